import { type ComplianceReport, flowDiagramSvg, flowGraph, layoutFlow } from '@veil/core';
import elkjs from 'elkjs/lib/elk.bundled.js';
import type { ReportGraphics } from './reportSections.js';

// elkjs is CommonJS: under Node's ESM its class is the module's `default` (it exports itself as `default` too).
const elk = new elkjs.default();

/**
 * Draws the pack's diagrams before its HTML is rendered: the data inventory's data-flow diagram,
 * laid out by elkjs and drawn by core exactly as the dashboard's Data inventory page draws it.
 */
export async function reportGraphics(report: ComplianceReport): Promise<ReportGraphics> {
  const graph = flowGraph(report.inventory, null);
  const layout = await layoutFlow(graph, elk);
  return {
    inventoryDiagram: flowDiagramSvg(layout, `Data flow of ${report.site.name}`),
  };
}
