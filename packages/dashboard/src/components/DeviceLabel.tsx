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

export function DeviceLabel({ device }: { device: DeviceClass }) {
  return (
    <span className="device">
      <DeviceIcon device={device} />
      <span>{LABELS[device]}</span>
    </span>
  );
}
