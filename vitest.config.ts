import { defineConfig } from 'vitest/config';

// Two projects: fast hermetic unit tests, and lab tests that drive real sshd/ansible/etcd/kube-apiserver
// (test/real: real kubespray checkouts as the judge of kspray's output).
// Lab test files share machine-wide resources (namespaces, ports), so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/real/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
          pool: 'forks',
        },
      },
    ],
  },
});
