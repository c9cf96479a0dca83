// A small Kubernetes API client on top of @kubernetes/client-node's KubeConfig (auth, TLS, contexts):
// bounded timeouts, paginated lists (limit + continue) handed over page by page, and errors as KsprayErrors.
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KsprayError } from '../errors.js';
import { ForbiddenError } from './settle.js';

export interface KubeClientOptions {
  timeoutMs?: number;
  pageSize?: number;
}

type Obj = Record<string, any>;

export class KubeClient {
  readonly server: string;
  private readonly agent: https.Agent;
  private constructor(
    private readonly kc: KubeConfig,
    private readonly base: https.RequestOptions,
    private readonly o: Required<KubeClientOptions>,
  ) {
    this.server = kc.getCurrentCluster()!.server;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  }

  static async create(kc: KubeConfig, o: KubeClientOptions = {}): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KsprayError('KubeApi', `kubeconfig context "${kc.getCurrentContext()}" names no cluster`, { hint: 'pass --context, or fetch a fresh one with `kspray kubeconfig`' });
    const base: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(base);
    return new KubeClient(kc, base, { timeoutMs: o.timeoutMs ?? 10_000, pageSize: o.pageSize ?? 500 });
  }

  /** GET a path; returns status and body (does not throw on HTTP errors, only on transport errors). */
  raw(path: string, accept = 'application/json'): Promise<{ code: number; body: string }> {
    const url = new URL(path, this.server.endsWith('/') ? this.server : this.server + '/');
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { ...this.base, agent: this.agent, method: 'GET', headers: { ...(this.base.headers ?? {}), Accept: accept }, timeout: this.o.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => reject(this.transportError(e)));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${this.o.timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(this.transportError(e)));
      req.end();
    });
  }

  /** GET JSON; 404 → undefined when allowed; other HTTP errors → KsprayError naming verb and resource. */
  async get<T = Obj>(path: string, o: { allow404?: boolean; verb?: string } = {}): Promise<T | undefined> {
    const r = await this.raw(path);
    if (r.code === 200) return JSON.parse(r.body) as T;
    if (r.code === 404 && o.allow404) return undefined;
    throw this.httpError(r.code, r.body, o.verb ?? 'get', path);
  }

  /** List a collection page by page (limit + continue); `onPage` sees each page's items, then they are dropped. */
  async list(path: string, onPage: (items: Obj[]) => void, o: { allow404?: boolean } = {}): Promise<boolean> {
    let cont: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.get<{ items?: Obj[]; metadata?: { continue?: string } }>(
        `${path}${sep}limit=${this.o.pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
        { verb: 'list', ...(o.allow404 ? { allow404: true } : {}) },
      );
      if (!page) return false;
      onPage(page.items ?? []);
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return true;
  }

  close(): void {
    this.agent.destroy();
  }

  private httpError(code: number, body: string, verb: string, path: string): KsprayError {
    let msg = '';
    let details: Obj = {};
    try {
      const s = JSON.parse(body) as Obj;
      msg = s.message ?? '';
      details = s.details ?? {};
    } catch {
      msg = body.slice(0, 200);
    }
    const resource = `${details.group ? `${details.group}/` : ''}${details.kind ?? path.split('?')[0]}`;
    const user = this.kc.getCurrentUser()?.name ?? 'the current user';
    if (code === 401)
      return new KsprayError('KubeApi', `the API server ${this.server} rejected the credentials of ${user} (401 Unauthorized)`, {
        hint: 'the client certificate or token is not valid for this cluster: fetch a fresh one with `kspray kubeconfig`',
      });
    if (code === 403) return new ForbiddenError(user, `${verb} ${resource}`, msg);
    return new KsprayError('KubeApi', `${verb} ${path.split('?')[0]} failed: HTTP ${code}${msg ? `: ${msg}` : ''}`);
  }

  private transportError(e: Error & { code?: string }): KsprayError {
    const code = e.code ?? '';
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL|HOSTNAME|ALTNAME|certificate/i.test(code + e.message))
      return new KsprayError('KubeApi', `TLS with ${this.server} failed: ${e.message}${code ? ` (${code})` : ''}`, {
        cause: e,
        hint: 'the API server certificate does not match the kubeconfig CA or address (or the server rejected the client certificate): fetch a fresh kubeconfig with `kspray kubeconfig`',
      });
    return new KsprayError('KubeApi', `API server ${this.server} unreachable: ${e.message}${code && !e.message.includes(code) ? ` (${code})` : ''}`, {
      cause: e,
      hint: 'is kube-apiserver running on the control planes (and the address reachable from here)? `kspray health` also checks etcd over SSH',
    });
  }
}
