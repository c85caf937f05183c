import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { Alias, AliasEvent, RunStatus } from '@workbench/persistence';
import { InvalidRequestError, NotFoundError } from './errors';
import type { RunsService } from './runs.service';
import type { SegmentationsService } from './segmentations.service';

const ALIAS_NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** Named pointers (`champion`, `candidate`, …) to runs of a segmentation, moved explicitly and audited. */
export class AliasesService {
  constructor(
    private readonly orm: MikroORM,
    private readonly segmentations: SegmentationsService,
    private readonly runs: RunsService,
  ) {}

  /**
   * Points `name` at a finished run of the segmentation and records who moved it from where. `first` runs at the
   * start of the move's transaction: the caller's own record commits with the move, and an error it throws
   * leaves the alias where it was.
   */
  async move(
    segmentationIdOrName: string,
    name: string,
    runRef: string,
    movedBy: string,
    first?: (tx: EntityManager) => Promise<void>,
  ): Promise<Alias> {
    if (!ALIAS_NAME.test(name))
      throw new InvalidRequestError(
        `alias '${name}' must be 1-64 lowercase letters, digits or dashes, starting with a letter`,
      );
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const run = /^v?\d+$/.test(runRef)
      ? await this.runs.resolve(`${segmentation.name}@v${runRef.replace(/^v/, '')}`)
      : await this.runs.resolve(runRef);
    if (run.segmentation.id !== segmentation.id) {
      throw new InvalidRequestError(
        `run ${run.id} belongs to segmentation '${run.segmentation.name}', not '${segmentation.name}'`,
      );
    }
    if (run.status !== RunStatus.Succeeded)
      throw new InvalidRequestError(`run v${run.version} is ${run.status}; only a succeeded run can be promoted`);
    return this.orm.em.fork().transactional(async (em) => {
      await first?.(em);
      let alias = await em.findOne(Alias, { segmentation: segmentation.id, name });
      const fromRun = alias?.run ?? null;
      if (alias) Object.assign(alias, { run: run.id, updatedAt: new Date(), updatedBy: movedBy });
      else alias = em.create(Alias, { segmentation: segmentation.id, name, run: run.id, updatedBy: movedBy });
      em.create(AliasEvent, { segmentation: segmentation.id, name, fromRun, toRun: run.id, movedBy });
      return alias;
    });
  }

  async list(segmentationIdOrName: string): Promise<Alias[]> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    return this.orm.em
      .fork()
      .find(Alias, { segmentation: segmentation.id }, { orderBy: { name: 'asc' }, populate: ['run'] });
  }

  /** The run an alias points at. */
  async resolve(segmentationIdOrName: string, name: string): Promise<string> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    const alias = await this.orm.em.fork().findOne(Alias, { segmentation: segmentation.id, name });
    if (!alias) throw new NotFoundError(`segmentation '${segmentation.name}' has no alias '${name}'`);
    return alias.run.id;
  }

  /** Every move of the alias, oldest first. */
  async history(segmentationIdOrName: string, name: string): Promise<AliasEvent[]> {
    const segmentation = await this.segmentations.get(segmentationIdOrName);
    return this.orm.em
      .fork()
      .find(
        AliasEvent,
        { segmentation: segmentation.id, name },
        { orderBy: { movedAt: 'asc' }, populate: ['fromRun', 'toRun'] },
      );
  }
}
