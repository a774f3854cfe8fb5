import type { DeviceClass } from '@veil/core';
import { DeviceIcon } from './icons';

const LABELS: Readonly<Record<DeviceClass, string>> = {
  mobile: 'Mobile',
  tablet: 'Tablet',
  desktop: 'Desktop',
};

export function deviceLabel(device: DeviceClass): string {
  return LABELS[device];
}

/** A device class, or "Unknown" for a session whose first batch carried none. */
export function DeviceLabel({ device }: { device: DeviceClass | null }) {
  if (device === null) return <span className="device">Unknown</span>;
  return (
    <span className="device">
      <DeviceIcon device={device} />
      <span>{LABELS[device]}</span>
    </span>
  );
}
