import { useCallback, useEffect, useState } from 'react';
import { api, type ContainerTimeline, type DcsaEvent } from '../../api';
import { deriveStatus, mergeEvents } from './model';

export type LiveState = 'connecting' | 'live' | 'offline';

const RECONNECT_MS = 5000;

interface State {
  loading: boolean;
  error?: unknown;
  data?: ContainerTimeline;
}

/**
 * A container's timeline (`GET /v1/containers/{ref}`), kept up to date from the live stream
 * (`/v1/stream?equipmentReference=…`) for as long as the component is shown.
 */
export function useContainer(equipmentReference: string) {
  const [state, setState] = useState<State>({ loading: true });
  const [fresh, setFresh] = useState<ReadonlySet<string>>(() => new Set());
  const [live, setLive] = useState<LiveState>('connecting');
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ loading: true, data: s.data?.equipmentReference === equipmentReference ? s.data : undefined }));
    api.container(equipmentReference).then(
      (data) => { if (!cancelled) setState({ loading: false, data: { ...data, events: mergeEvents([], data.events) } }); },
      (error: unknown) => { if (!cancelled) setState({ loading: false, error }); },
    );
    return () => { cancelled = true; };
  }, [equipmentReference, nonce]);

  const loaded = state.data !== undefined;
  useEffect(() => {
    if (!loaded) return;
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let closed = false;

    const add = (events: DcsaEvent[]) => setState((s) => {
      if (!s.data) return s;
      const merged = mergeEvents(s.data.events, events);
      return merged === s.data.events ? s : { ...s, data: { ...s.data, events: merged, status: deriveStatus(merged) ?? s.data.status } };
    });

    const connect = () => {
      setLive('connecting');
      const es = api.containerStream(equipmentReference);
      source = es;
      es.onopen = () => {
        setLive('live');
        // Catch up on what was published between the first read and the stream's start.
        api.container(equipmentReference).then((d) => { if (!closed) add(d.events); }, () => undefined);
      };
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) return setLive('connecting'); // the browser reconnects by itself
        setLive('offline');
        if (!closed) retry = setTimeout(connect, RECONNECT_MS);
      };
      es.addEventListener('event', (message: MessageEvent<string>) => {
        let event: DcsaEvent;
        try { event = JSON.parse(message.data) as DcsaEvent; } catch { return; }
        if (event.equipmentReference && event.equipmentReference !== equipmentReference) return;
        add([event]);
        setFresh((f) => new Set(f).add(event.eventID));
      });
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [equipmentReference, loaded]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, live, fresh, refresh };
}
