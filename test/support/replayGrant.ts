/**
 * Opens a raw-replay grant the way every client must (a POST with the purpose) and returns the
 * path that reads the session's events under it.
 */
export async function grantedEventsPath(
  baseUrl: string,
  token: string,
  sessionId: string,
  purpose: string,
): Promise<string> {
  const session = `/api/v1/sessions/${encodeURIComponent(sessionId)}`;
  const res = await fetch(`${baseUrl}${session}/replay-grants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ purpose }),
  });
  if (res.status !== 201) throw new Error(`replay grant refused: ${res.status} ${await res.text()}`);
  const { grant } = (await res.json()) as { grant: { id: string } };
  return `${session}/events?grant=${grant.id}`;
}
