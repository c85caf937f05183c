import { useQuery } from '@tanstack/react-query';
import { enc, getJson, postJson } from './client';
import type {
  Alias,
  AliasEvent,
  ApiKey,
  AssignmentsPage,
  Comparison,
  ComparisonKpiDeltas,
  CustomerInRun,
  Dataset,
  DatasetDetail,
  HistoryEntry,
  Kpi,
  KpiHistory,
  QueueJobs,
  Plugin,
  PluginReadme,
  RetrainPolicy,
  RetrainRequest,
  RuleCheck,
  Run,
  Segment,
  Segmentation,
  Session,
} from './types';

// One hook per API read; react-query caches by key, so pages that need the same run share one request.

export const useSession = () =>
  useQuery({ queryKey: ['session'], queryFn: () => getJson<Session>('/session'), staleTime: 60_000 });
export const useSegmentations = () =>
  useQuery({ queryKey: ['segmentations'], queryFn: () => getJson<Segmentation[]>('/segmentations') });
export const useSegmentation = (id: string) =>
  useQuery({ queryKey: ['segmentation', id], queryFn: () => getJson<Segmentation>(`/segmentations/${enc(id)}`) });
export const useRuns = (segmentation: string) =>
  useQuery({
    queryKey: ['runs', segmentation],
    // No polling: the live events refetch it when a run's status changes (components/jobs.tsx).
    queryFn: () => getJson<Run[]>(`/segmentations/${enc(segmentation)}/runs`),
  });
export const useAliases = (segmentation: string) =>
  useQuery({
    queryKey: ['aliases', segmentation],
    queryFn: () => getJson<Alias[]>(`/segmentations/${enc(segmentation)}/aliases`),
  });
export const useAliasHistory = (segmentation: string, alias: string) =>
  useQuery({
    queryKey: ['alias-history', segmentation, alias],
    queryFn: () => getJson<AliasEvent[]>(`/segmentations/${enc(segmentation)}/aliases/${enc(alias)}/history`),
  });
export const useRetrains = (segmentation?: string) =>
  useQuery({
    queryKey: ['retrains', segmentation ?? ''],
    queryFn: () => getJson<RetrainRequest[]>(`/retrains${segmentation ? `?segmentation=${enc(segmentation)}` : ''}`),
  });
export const useRun = (id: string) =>
  useQuery({
    queryKey: ['run', id],
    queryFn: () => getJson<Run>(`/runs/${enc(id)}`),
  });
export const useSegments = (id: string, enabled = true) =>
  useQuery({ queryKey: ['segments', id], queryFn: () => getJson<Segment[]>(`/runs/${enc(id)}/segments`), enabled });
export const useKpis = (id: string, enabled = true) =>
  useQuery({ queryKey: ['kpis', id], queryFn: () => getJson<Kpi[]>(`/runs/${enc(id)}/kpis`), enabled });
export const useAssignmentsPage = (id: string, offset: number, limit: number, segment?: number) =>
  useQuery({
    queryKey: ['assignments', id, offset, limit, segment ?? null],
    queryFn: () =>
      getJson<AssignmentsPage>(
        `/runs/${enc(id)}/assignments/page?offset=${offset}&limit=${limit}${segment === undefined ? '' : `&segment=${segment}`}`,
      ),
    placeholderData: (previous) => previous,
  });
export const useComparisons = () =>
  useQuery({ queryKey: ['comparisons'], queryFn: () => getJson<Comparison[]>('/comparisons') });
export const useComparison = (id: string | undefined) =>
  useQuery({
    queryKey: ['comparison', id],
    queryFn: () => getJson<Comparison>(`/comparisons/${enc(id as string)}`),
    enabled: !!id,
  });
export const useCustomerHistory = (id: string) =>
  useQuery({
    queryKey: ['customer', id],
    queryFn: () => getJson<HistoryEntry[]>(`/customers/${enc(id)}/history`),
    enabled: !!id,
    retry: false,
  });
export const useKpiDeltas = (comparison: string | undefined) =>
  useQuery({
    queryKey: ['kpi-deltas', comparison],
    queryFn: () => getJson<ComparisonKpiDeltas>(`/comparisons/${enc(comparison as string)}/kpi-deltas`),
    enabled: !!comparison,
  });
export const useKpiHistory = (segmentation: string, kpi: string) =>
  useQuery({
    queryKey: ['kpi-history', segmentation, kpi],
    queryFn: () => getJson<KpiHistory>(`/segmentations/${enc(segmentation)}/kpi-history?kpi=${enc(kpi)}`),
    enabled: !!kpi,
  });
export const useCustomerInRun = (run: string | undefined, customer: string) =>
  useQuery({
    queryKey: ['customer-in-run', run, customer],
    queryFn: () => getJson<CustomerInRun>(`/runs/${enc(run as string)}/customers/${enc(customer)}`),
    enabled: !!run && !!customer,
  });
export const usePlugins = () => useQuery({ queryKey: ['plugins'], queryFn: () => getJson<Plugin[]>('/plugins') });
export const usePluginReadme = (name: string, enabled: boolean) =>
  useQuery({
    queryKey: ['plugin-readme', name],
    queryFn: () => getJson<PluginReadme>(`/plugins/${enc(name)}/readme`),
    enabled,
    staleTime: Infinity,
  });
export const useDatasets = () => useQuery({ queryKey: ['datasets'], queryFn: () => getJson<Dataset[]>('/datasets') });
/** A dataset with its versions; nothing is asked while `id` is undefined (a form where none is chosen yet). */
export const useDataset = (id: string | undefined) =>
  useQuery({
    queryKey: ['dataset', id],
    queryFn: () => getJson<DatasetDetail>(`/datasets/${enc(id as string)}`),
    enabled: !!id,
  });
export const useApiKeys = () => useQuery({ queryKey: ['api-keys'], queryFn: () => getJson<ApiKey[]>('/api-keys') });
export const useQueueJobs = () =>
  useQuery({
    queryKey: ['queue-jobs'],
    queryFn: () => getJson<QueueJobs>('/admin/queue'),
  });
export const usePolicies = (segmentation: string) =>
  useQuery({
    queryKey: ['policies', segmentation],
    queryFn: () => getJson<RetrainPolicy[]>(`/policies?segmentation=${enc(segmentation)}`),
  });
export const useRetrain = (id: string) =>
  useQuery({ queryKey: ['retrain', id], queryFn: () => getJson<RetrainRequest>(`/retrains/${enc(id)}`) });
export const useRuleMetrics = () =>
  useQuery({
    queryKey: ['rule-metrics'],
    queryFn: () => getJson<{ name: string; description: string }[]>('/promotion-rules/metrics'),
    staleTime: Infinity,
  });
/** The server's parse of a promotion rule (a read: it stores nothing), cached per text. */
export const useRuleCheck = (rule: string) =>
  useQuery({
    queryKey: ['rule-check', rule],
    queryFn: () => postJson<RuleCheck>('/promotion-rules/check', { rule }),
    enabled: rule.trim() !== '',
    staleTime: Infinity,
  });
