/**
 * Test-only shim: dicomweb-client speaks XMLHttpRequest, which Node lacks. This adapter performs
 * the same request with fetch over real HTTP, so tests exercise the client against the real
 * server. It implements only what dicomweb-client uses (open, setRequestHeader, responseType,
 * send, readyState/status/response, onreadystatechange, response headers).
 */
export class FetchXhr {
  readyState = 0;
  status = 0;
  statusText = '';
  responseType: '' | 'json' | 'arraybuffer' | 'text' = '';
  response: unknown = null;
  withCredentials = false;
  onreadystatechange: (() => void) | null = null;
  onloadstart: (() => void) | null = null;
  onloadend: (() => void) | null = null;
  onprogress: (() => void) | null = null;
  private method = 'GET';
  private url = '';
  private readonly headers = new Headers();
  private responseHeaders = new Headers();

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers.set(name, value);
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders.get(name);
  }

  getAllResponseHeaders(): string {
    return [...this.responseHeaders].map(([k, v]) => `${k}: ${v}\r\n`).join('');
  }

  send(body?: string | Uint8Array | null): void {
    void this.run(body ?? null);
  }

  private async run(body: string | Uint8Array | null): Promise<void> {
    try {
      const res = await fetch(this.url, { method: this.method, headers: this.headers, body });
      this.status = res.status;
      this.statusText = res.statusText;
      this.responseHeaders = res.headers;
      const bytes = await res.arrayBuffer();
      if (this.responseType === 'arraybuffer') this.response = bytes;
      else {
        const text = new TextDecoder().decode(bytes);
        this.response = this.responseType === 'json' ? (text ? JSON.parse(text) : null) : text;
      }
    } catch {
      this.status = 0;
    }
    this.readyState = 4;
    this.onreadystatechange?.();
  }
}

/** Installs the shim as the global XMLHttpRequest; returns a function that removes it. */
export function installFetchXhr(): () => void {
  const g = globalThis as { XMLHttpRequest?: unknown };
  const previous = g.XMLHttpRequest;
  g.XMLHttpRequest = FetchXhr;
  return () => {
    g.XMLHttpRequest = previous;
  };
}
