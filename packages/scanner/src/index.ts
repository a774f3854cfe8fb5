export { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, launchScanBrowser } from './capture/chromium.js';
export { createProgressReporter, type ProgressStream, renderProgressBar } from './cli/progressBar.js';
export { buildFindings, failsAt, fixFor, RULES, severityOf } from './report/findings.js';
export { escapeHtml, renderHtmlReport } from './report/renderHtmlReport.js';
export { renderTextSummary } from './report/renderTextSummary.js';
export * from './report/scanReport.js';
export {
  DEFAULT_SCAN_OPTIONS,
  MAX_CONCURRENCY,
  MAX_CRAWL_PAGES,
  type ScanOptions,
  type ScanProgress,
} from './scan/scanOptions.js';
export { SCANNER_VERSION, ScanOptionsError, scanSite } from './scan/scanSite.js';
export { detectVendors, knownGlobals, vendorEvidence } from './signatures/detectVendors.js';
export {
  BUNDLED_SIGNATURES_URL,
  loadSignatures,
  parseSignatures,
  SignatureFileError,
} from './signatures/loadSignatures.js';
export { hostMatches, nameMatches, pathMatches, urlMatchesHostPattern } from './signatures/patterns.js';
export * from './signatures/signatureSchema.js';
