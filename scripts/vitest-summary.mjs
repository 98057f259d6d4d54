// Prints "N passed, N failed" from vitest's JSON report: the one line CI reads.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-report.json';
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // A file that failed before running any test (an import error) counts as one failure.
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  const failed = report.numFailedTests + brokenFiles;
  console.log(`${report.numPassedTests} passed, ${failed} failed`);
  if (report.numTotalTests === 0) process.exit(1);
} catch (err) {
  console.error(`no vitest report at ${file}: ${err.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
