import type { DeviceClass } from '@veil/core';
import type { ReactNode } from 'react';

/** Icons are decorative: the text next to them carries the meaning. */
interface IconProps {
  size?: number;
}

function Svg({ size = 16, children }: IconProps & { children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      className="icon"
    >
      {children}
    </svg>
  );
}

export function DeviceIcon({ device, size }: IconProps & { device: DeviceClass }) {
  switch (device) {
    case 'mobile':
      return (
        <Svg size={size}>
          <rect x="7" y="2.5" width="10" height="19" rx="2" />
          <path d="M11 18.5h2" />
        </Svg>
      );
    case 'tablet':
      return (
        <Svg size={size}>
          <rect x="4.5" y="2.5" width="15" height="19" rx="2" />
          <path d="M11 18.5h2" />
        </Svg>
      );
    case 'desktop':
      return (
        <Svg size={size}>
          <rect x="2.5" y="4" width="19" height="12.5" rx="1.5" />
          <path d="M8.5 20.5h7M12 16.5v4" />
        </Svg>
      );
  }
}

export function PlayIcon({ size }: IconProps) {
  return (
    <Svg size={size}>
      <path d="M7 4.5v15l12.5-7.5z" fill="currentColor" />
    </Svg>
  );
}

export function PauseIcon({ size }: IconProps) {
  return (
    <Svg size={size}>
      <path d="M7.5 4.5v15M16.5 4.5v15" strokeWidth={3.2} />
    </Svg>
  );
}

export function CopyIcon({ size }: IconProps) {
  return (
    <Svg size={size}>
      <rect x="8.5" y="8.5" width="12" height="12" rx="2" />
      <path d="M15.5 8.5V5.5a2 2 0 0 0-2-2h-8a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h3" />
    </Svg>
  );
}

export function CheckIcon({ size }: IconProps) {
  return (
    <Svg size={size}>
      <path d="M5 12.5l4.5 4.5L19 7.5" />
    </Svg>
  );
}

export function ShieldIcon({ size }: IconProps) {
  return (
    <Svg size={size}>
      <path d="M12 2.8l7.5 3v5.7c0 4.6-3.1 8.3-7.5 9.7-4.4-1.4-7.5-5.1-7.5-9.7V5.8z" />
      <path d="M9 12l2.2 2.2L15.5 10" />
    </Svg>
  );
}

export function ChevronLeftIcon({ size }: IconProps) {
  return (
    <Svg size={size}>
      <path d="M14.5 6l-6 6 6 6" />
    </Svg>
  );
}

export function LogoMark({ size = 28 }: IconProps) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M8 9h4l4 11 4-11h4l-6.2 15h-3.6z" fill="#fff" />
    </svg>
  );
}
