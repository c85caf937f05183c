import { sessionView } from './session-view';

describe('sessionView', () => {
  it('lets a viewer only read', () => {
    const { may } = sessionView({ name: 'v', role: 'viewer' });
    expect(
      Object.entries(may)
        .filter(([, allowed]) => allowed)
        .map(([action]) => action),
    ).toEqual(['read']);
  });

  it('lets an analyst run, compare, upload and move aliases, but not add policies, plugins or keys', () => {
    expect(sessionView({ name: 'a', role: 'analyst' })).toEqual({
      name: 'a',
      role: 'analyst',
      may: {
        read: true,
        runSegmentations: true,
        compareRuns: true,
        moveAliases: true,
        uploadData: true,
        addPolicies: false,
        registerPlugins: false,
        manageKeys: false,
      },
    });
  });

  it('lets a scientist add policies and plugins and only an admin manage keys', () => {
    expect(sessionView({ name: 's', role: 'scientist' }).may).toMatchObject({
      addPolicies: true,
      registerPlugins: true,
      manageKeys: false,
    });
    expect(sessionView({ name: 'a', role: 'admin' }).may).toMatchObject({ registerPlugins: true, manageKeys: true });
    expect(sessionView({ name: 'root', role: 'admin' }).may.manageKeys).toBe(true);
  });
});
