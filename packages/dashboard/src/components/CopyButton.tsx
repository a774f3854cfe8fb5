import { useEffect, useRef, useState } from 'react';
import { CheckIcon, CopyIcon } from './icons';

/** How long "Copied" stays before the button reads "Copy" again. */
const COPIED_FEEDBACK_MS = 2_000;

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (error) {
    // Clipboard API missing or refused (insecure origin): fall back to a selection copy.
    console.warn('Clipboard API unavailable, using execCommand', error);
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy install snippet for Shop". */
  label: string;
  testId?: string;
}

export function CopyButton({ text, label, testId }: CopyButtonProps) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  return (
    <>
      <button
        type="button"
        className="button button--small"
        aria-label={label}
        data-testid={testId}
        onClick={async () => {
          const ok = await copyText(text);
          setStatus(ok ? 'copied' : 'failed');
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => setStatus('idle'), COPIED_FEEDBACK_MS);
        }}
      >
        {status === 'copied' ? <CheckIcon /> : <CopyIcon />}
        <span>{status === 'copied' ? 'Copied' : 'Copy'}</span>
      </button>
      <span className="visually-hidden" role="status">
        {status === 'copied'
          ? 'Copied to the clipboard'
          : status === 'failed'
            ? 'Copy failed: select the text and copy it'
            : ''}
      </span>
    </>
  );
}
