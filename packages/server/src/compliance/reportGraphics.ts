import { type ComplianceReport, flowDiagramSvg, flowGraph, layoutFlow } from '@veil/core';
import elkjs from 'elkjs/lib/elk.bundled.js';
import type { Browser } from 'playwright-core';
import { drawReportCharts } from './drawReportCharts.js';
import type { ReportGraphics } from './reportSections.js';

// elkjs is CommonJS: under Node's ESM its class is the module's `default` (it exports itself as `default` too).
const elk = new elkjs.default();

/**
 * Draws the pack's pictures before its HTML is rendered: the data inventory's data-flow diagram,
 * laid out by elkjs and drawn by core exactly as the dashboard's Data inventory page draws it, and
 * the charts, drawn by the dashboard's own chart components in `browser` (`drawReportCharts`).
 */
export async function reportGraphics(
  report: ComplianceReport,
  charts: { browser: Browser; dashboardDir: string },
): Promise<ReportGraphics> {
  const graph = flowGraph(report.inventory, null);
  const [layout, drawn] = await Promise.all([
    layoutFlow(graph, elk),
    drawReportCharts(charts.browser, charts.dashboardDir, report),
  ]);
  return {
    inventoryDiagram: flowDiagramSvg(layout, `Data flow of ${report.site.name}`),
    readinessChart: drawn.readiness,
    readinessTrendChart: drawn.readinessTrend,
    consentChart: drawn.consentByRegion,
  };
}
