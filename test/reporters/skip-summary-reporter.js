/**
 * Closes the run with the suites that were skipped and why (their titles carry the reason), then one plain
 * line "jest: N passed, N failed, N skipped" that CI tooling reads.
 */
class SkipSummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped') continue;
        const upToReason = test.ancestorTitles.findIndex((t) => t.includes('[skipped:'));
        const title = test.ancestorTitles.slice(0, upToReason === -1 ? undefined : upToReason + 1).join(' › ');
        skipped.set(title, (skipped.get(title) ?? 0) + 1);
      }
    }
    if (skipped.size > 0) {
      process.stdout.write('\nSkipped suites:\n');
      for (const [title] of skipped) process.stdout.write(`  - ${title}\n`);
    }
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    process.stdout.write(`\njest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`);
  }
}
module.exports = SkipSummaryReporter;
