import { paramDescriptions } from './plugins';

describe('plugins list', () => {
  it("prints each described param of a plugin's params schema as plugin.param: description", () => {
    const plugins = [
      {
        name: 'segmenter-kmeans',
        paramsSchema: {
          properties: { k: { type: 'integer', description: 'number of segments' }, seed: { type: 'integer' } },
        },
      },
      { name: 'kpi-clv', paramsSchema: { properties: { horizon: { type: 'number', description: 'periods ahead' } } } },
    ];
    expect(paramDescriptions(plugins)).toEqual([
      'segmenter-kmeans.k: number of segments',
      'kpi-clv.horizon: periods ahead',
    ]);
  });

  it('prints nothing for schemas without descriptions', () => {
    expect(paramDescriptions([{ name: 'p', paramsSchema: { properties: { a: { type: 'string' } } } }])).toEqual([]);
  });
});
