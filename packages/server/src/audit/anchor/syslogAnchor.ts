import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { hostname } from 'node:os';
import { type AuditCheckpoint, auditAnchorLine } from '@veil/core';
import type { CheckpointAnchor } from './CheckpointAnchor.js';

/** RFC 5424 priority: facility 13 (log audit) × 8 + severity 5 (notice). */
export const SYSLOG_PRIORITY = 13 * 8 + 5;
/** The APP-NAME and MSGID fields of each message. */
export const SYSLOG_APP_NAME = 'veil';
export const SYSLOG_MSG_ID = 'audit-checkpoint';

/** One RFC 5424 message whose MSG is the checkpoint's anchor line. */
export function syslogMessage(checkpoint: AuditCheckpoint, host = hostname()): string {
  const field = (s: string) => s.replace(/[^\x21-\x7e]/g, '').slice(0, 255) || '-';
  return `<${SYSLOG_PRIORITY}>1 ${new Date(checkpoint.at).toISOString()} ${field(host)} ${SYSLOG_APP_NAME} ${process.pid} ${SYSLOG_MSG_ID} - ${auditAnchorLine(checkpoint)}`;
}

/**
 * Sends each checkpoint as one syslog datagram (RFC 5424 over UDP, RFC 5426) to `host:port`, the
 * local daemon's UDP input by default (rsyslog `imudp`, syslog-ng `udp()`), which forwards it to
 * wherever the site keeps its logs. UDP gives no acknowledgement: resolving means the datagram left.
 */
export function syslogAnchor(host: string, port: number): CheckpointAnchor {
  let socket: Socket | undefined;
  const open = (): Socket => {
    if (!socket) {
      socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      socket.unref();
    }
    return socket;
  };
  return {
    description: `syslog udp ${host}:${port}`,
    write(checkpoint) {
      const message = Buffer.from(syslogMessage(checkpoint), 'utf8');
      return new Promise((resolve, reject) => {
        open().send(message, port, host, (error) => (error ? reject(error) : resolve()));
      });
    },
    async close() {
      const s = socket;
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
