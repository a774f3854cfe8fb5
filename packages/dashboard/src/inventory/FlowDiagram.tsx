import { type FlowGraph, type FlowLayout, flowDiagramBody, layoutFlow } from '@veil/core';
import ELK from 'elkjs/lib/elk.bundled.js';
import { forwardRef, useEffect, useState } from 'react';

const elk = new ELK();

/**
 * The data-flow picture drawn as SVG from elkjs's layout: core's one drawing (`flowDiagramBody`),
 * the same the compliance pack prints. Each box carries its column, label and status as data
 * attributes; colours are attributes so that the exported SVG and PNG look the same.
 */
export const FlowDiagram = forwardRef<SVGSVGElement, { graph: FlowGraph; title: string }>(
  function FlowDiagram({ graph, title }, ref) {
    const [layout, setLayout] = useState<FlowLayout | null>(null);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      let live = true;
      layoutFlow(graph, elk).then(
        (l) => live && setLayout(l),
        (e: unknown) => live && setError(e instanceof Error ? e.message : 'layout failed'),
      );
      return () => {
        live = false;
      };
    }, [graph]);
    if (error) return <p role="alert">The diagram could not be laid out: {error}</p>;
    if (!layout) return <p className="muted">Laying out the diagram…</p>;
    return (
      <div className="flow-diagram" style={{ overflow: 'auto' }}>
        <svg
          ref={ref}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="img"
          aria-label={title}
          data-testid="inventory-diagram"
          fontFamily="system-ui, sans-serif"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: core's drawing escapes every label and detail
          dangerouslySetInnerHTML={{ __html: flowDiagramBody(layout, title) }}
        />
      </div>
    );
  },
);
