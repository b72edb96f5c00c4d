// curl's docs/examples/multi-uv.c, ported to JavaScript name for name: the application
// drives libcurl with CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION, a Poll per socket and a
// JavaScript timer, and drains finished transfers after socket_action returns.
import {
  CURLINFO_EFFECTIVE_URL,
  CURLINFO_PRIVATE,
  CURLINFO_RESPONSE_CODE,
  CURLMOPT_SOCKETFUNCTION,
  CURLMOPT_TIMERFUNCTION,
  CURLMSG_DONE,
  CURLOPT_PRIVATE,
  CURLOPT_URL,
  CURLOPT_WRITEFUNCTION,
  CURL_CSELECT_IN,
  CURL_CSELECT_OUT,
  CURL_POLL_IN,
  CURL_POLL_INOUT,
  CURL_POLL_OUT,
  CURL_POLL_REMOVE,
  CURL_SOCKET_TIMEOUT,
  Poll,
  UV_READABLE,
  UV_WRITABLE,
  curl_easy_cleanup,
  curl_easy_getinfo,
  curl_easy_init,
  curl_easy_setopt,
  curl_multi_add_handle,
  curl_multi_assign,
  curl_multi_cleanup,
  curl_multi_info_read,
  curl_multi_init,
  curl_multi_remove_handle,
  curl_multi_setopt,
  curl_multi_socket_action,
  type CURL,
  type CURLM,
} from '../../lib/libcurl';
import { pattern, startHttpServer, type TestServer } from '../helpers/http-server';

interface curl_context_t {
  poll_handle: Poll;
  sockfd: number;
}

function runMultiUv(urls: string[]): Promise<Map<string, { code: number; status: number; body: Buffer }>> {
  return new Promise((resolve, reject) => {
    const results = new Map<string, { code: number; status: number; body: Buffer }>();
    let timeout: NodeJS.Timeout | undefined;
    let curl_handle: CURLM;
    const running_handles = { value: 0 };

    function create_curl_context(sockfd: number): curl_context_t {
      return { sockfd, poll_handle: new Poll(sockfd) };
    }

    function destroy_curl_context(context: curl_context_t): void {
      context.poll_handle.close();
    }

    function add_download(url: string): void {
      const chunks: Buffer[] = [];
      const handle = curl_easy_init();
      curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, (data: Buffer) => {
        chunks.push(data);
        return data.length;
      });
      curl_easy_setopt(handle, CURLOPT_PRIVATE, chunks);
      curl_easy_setopt(handle, CURLOPT_URL, url);
      curl_multi_add_handle(curl_handle, handle);
    }

    function check_multi_info(): void {
      let message;
      const pending = { value: 0 };
      while ((message = curl_multi_info_read(curl_handle, pending))) {
        switch (message.msg) {
          case CURLMSG_DONE: {
            const easy_handle: CURL = message.easy_handle;
            const done_url = { value: '' as unknown };
            const status = { value: 0 as unknown };
            const chunks = { value: undefined as unknown };
            curl_easy_getinfo(easy_handle, CURLINFO_EFFECTIVE_URL, done_url);
            curl_easy_getinfo(easy_handle, CURLINFO_RESPONSE_CODE, status);
            curl_easy_getinfo(easy_handle, CURLINFO_PRIVATE, chunks);
            results.set(done_url.value as string, {
              code: message.data.result,
              status: status.value as number,
              body: Buffer.concat(chunks.value as Buffer[]),
            });
            curl_multi_remove_handle(curl_handle, easy_handle);
            curl_easy_cleanup(easy_handle);
            break;
          }
          default:
            reject(new Error('CURLMSG default'));
        }
      }
      if (results.size === urls.length) {
        curl_multi_cleanup(curl_handle);
        resolve(results);
      }
    }

    function curl_perform(context: curl_context_t, status: Error | null, events: number): void {
      let flags = 0;
      if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
      if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
      curl_multi_socket_action(curl_handle, context.sockfd, flags, running_handles);
      check_multi_info();
    }

    function on_timeout(): void {
      curl_multi_socket_action(curl_handle, CURL_SOCKET_TIMEOUT, 0, running_handles);
      check_multi_info();
    }

    function start_timeout(multi: CURLM, timeout_ms: number): number {
      if (timeout_ms < 0) {
        clearTimeout(timeout);
      } else {
        if (timeout_ms === 0) timeout_ms = 1; /* 0 means call socket_action asap */
        clearTimeout(timeout);
        timeout = setTimeout(on_timeout, timeout_ms);
      }
      return 0;
    }

    function handle_socket(easy: CURL, s: number, action: number, userp: unknown, socketp: unknown): number {
      let curl_context: curl_context_t;
      let events = 0;
      switch (action) {
        case CURL_POLL_IN:
        case CURL_POLL_OUT:
        case CURL_POLL_INOUT:
          curl_context = socketp ? (socketp as curl_context_t) : create_curl_context(s);
          curl_multi_assign(curl_handle, s, curl_context);
          if (action !== CURL_POLL_IN) events |= UV_WRITABLE;
          if (action !== CURL_POLL_OUT) events |= UV_READABLE;
          curl_context.poll_handle.start(events, (status, ev) => curl_perform(curl_context, status, ev));
          break;
        case CURL_POLL_REMOVE:
          if (socketp) {
            (socketp as curl_context_t).poll_handle.stop();
            destroy_curl_context(socketp as curl_context_t);
            curl_multi_assign(curl_handle, s, null);
          }
          break;
        default:
          throw new Error('unexpected action');
      }
      return 0;
    }

    curl_handle = curl_multi_init();
    curl_multi_setopt(curl_handle, CURLMOPT_SOCKETFUNCTION, handle_socket);
    curl_multi_setopt(curl_handle, CURLMOPT_TIMERFUNCTION, start_timeout);
    for (const url of urls) add_download(url);
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(() => server.close());

test('multi-uv.c ported line for line downloads 200 URLs, every body intact', async () => {
  const urls = Array.from({ length: 200 }, (_, i) => `${server.url}/bytes/${1000 + i * 37}`);
  const results = await runMultiUv(urls);
  expect(results.size).toBe(200);
  for (const [i, url] of urls.entries()) {
    const r = results.get(url)!;
    expect(r.code).toBe(0);
    expect(r.status).toBe(200);
    expect(r.body.equals(pattern(1000 + i * 37))).toBe(true);
  }
});

test('multi-uv.c port streams a chunked body across many socket events', async () => {
  const url = `${server.url}/chunked/50/4096`;
  const results = await runMultiUv([url]);
  expect(results.get(url)!.body.equals(Buffer.concat(Array.from({ length: 50 }, () => pattern(4096))))).toBe(true);
});
