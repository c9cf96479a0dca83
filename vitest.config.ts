import { defineConfig } from 'vitest/config';

// Three projects, by where a test file lives:
// - unit: pure logic (src/**/*.test.ts, test/unit/): spawns nothing, no network; reads fixtures, writes only to tmp.
// - cli: the built CLI and the repo's shell scripts, offline (test/cli/).
// - lab: real sshd/ansible/etcd/kube-apiserver and real kubespray checkouts (test/lab, test/integration, test/real).
// No test builds dist/: the cli and lab projects check it is there and current (test/cli/built.ts).
// Lab test files share machine-wide resources (namespaces, ports), so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/hermetic.ts'],
          isolate: false,
          pool: 'threads',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'cli',
          include: ['test/cli/**/*.test.ts'],
          globalSetup: ['test/cli/built.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/real/**/*.test.ts'],
          globalSetup: ['test/cli/built.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          pool: 'forks',
        },
      },
    ],
  },
});
