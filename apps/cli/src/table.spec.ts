import { renderTable } from './table';

describe('renderTable', () => {
  it('pads columns to their widest cell and right-aligns the numeric ones', () => {
    const lines = renderTable(
      [{ header: 'label' }, { header: 'n', align: 'right' }],
      [
        ['Cluster 1', '7'],
        ['C2', '1,234'],
      ],
    );
    expect(lines).toEqual(['label          n', '---------  -----', 'Cluster 1      7', 'C2         1,234']);
  });

  it('prints only the header and rule when there are no rows', () => {
    expect(renderTable([{ header: 'version' }, { header: 'status' }], [])).toEqual([
      'version  status',
      '-------  ------',
    ]);
  });
});
