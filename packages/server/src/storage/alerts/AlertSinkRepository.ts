export type AlertSinkType = 'webhook' | 'email';

/** What may be shown of a sink (the secret part is sealed apart). */
export interface WebhookSinkSettings {
  /** Host of the webhook URL (the full URL may embed a token: it is sealed). */
  urlHost: string;
}

export interface EmailSinkSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  from: string;
  to: string[];
  username: string | null;
}

export type AlertSinkSettings =
  | { type: 'webhook'; settings: WebhookSinkSettings }
  | { type: 'email'; settings: EmailSinkSettings };

export type AlertSinkRecord = AlertSinkSettings & {
  id: string;
  siteId: string;
  name: string;
  /** Sealed secret part (see `alerts/sinkSecretBox.ts`). */
  secretBox: Buffer;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
};

/** Per-site alert sinks (webhook, e-mail). */
export interface AlertSinkRepository {
  /** `conflict` when the site has a sink of this name already. */
  create(sink: AlertSinkRecord): Promise<AlertSinkRecord | 'conflict'>;
  /** Replaces settings, secret, name and the enabled flag; `conflict` on a taken name. */
  update(sink: AlertSinkRecord): Promise<AlertSinkRecord | 'conflict' | undefined>;
  delete(id: string): Promise<boolean>;
  findById(id: string): Promise<AlertSinkRecord | undefined>;
  /** By name, oldest first. */
  list(siteId: string): Promise<AlertSinkRecord[]>;
}
