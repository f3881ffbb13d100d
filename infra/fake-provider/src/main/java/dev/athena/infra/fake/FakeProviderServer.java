package dev.athena.infra.fake;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback HTTP/1.1 server that speaks the Anthropic Messages API ({@code POST /v1/messages}) and the OpenAI
 * Chat Completions API ({@code POST /v1/chat/completions}), JSON and SSE, and misbehaves on demand: scripted
 * {@link Fault}s are served first-in first-out, then whatever the {@linkplain #respond responder} decides for the
 * request (by default the fixed {@linkplain #answer answer}). Enforced requests- and tokens-per-minute limits
 * (sliding 60 s window) answer 429 with the dialect's real headers. Every request is recorded.
 *
 * <p>The batch APIs are served too (OpenAI {@code /v1/files} and {@code /v1/batches}, Anthropic
 * {@code /v1/messages/batches}), in memory, without faults or limits, cancel included; see
 * {@link #batchPollsBeforeDone} and {@link #batchCancellations}.
 *
 * <p>The wire follows the path ({@code .../messages} is Anthropic, {@code .../chat/completions} OpenAI), so one
 * server can stand in for both; the dialect given at start only decides {@link #baseUrl()} and other paths.
 *
 * <p>One request per connection ({@code Connection: close}), each on a virtual thread; written on raw sockets
 * so that resets, stalls and truncated bodies are real.
 */
public final class FakeProviderServer implements AutoCloseable {
    public enum Dialect { ANTHROPIC, OPENAI }

    /** A request as the server saw it. Header names are lower-case. */
    public record Recorded(Instant at, String method, String path, Map<String, String> headers, String body) {
        public boolean streaming() {
            return body.replace(" ", "").contains("\"stream\":true");
        }
    }

    private final Dialect dialect;
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final Deque<Instant> window = new ArrayDeque<>();
    private final Deque<long[]> tokenWindow = new ArrayDeque<>(); // {epochMilli, tokens}
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Clock clock = Clock.systemUTC();
    private volatile String answer = "{\"findings\": []}";
    private volatile Function<Recorded, Fault> responder = request -> new Fault.Answer(Wire.forPrompt(answer, request));
    private volatile int requestsPerMinute = Integer.MAX_VALUE;
    private volatile long tokensPerMinute = Long.MAX_VALUE;
    private volatile boolean running = true;
    private final BatchEndpoints batches = new BatchEndpoints();

    private FakeProviderServer(Dialect dialect, ServerSocket socket) {
        this.dialect = dialect;
        this.socket = socket;
    }

    /** On a free loopback port. */
    public static FakeProviderServer start(Dialect dialect) {
        return start(dialect, 0);
    }

    /** On {@code port} of 127.0.0.1 (0 for a free one). */
    public static FakeProviderServer start(Dialect dialect, int port) {
        try {
            ServerSocket socket = new ServerSocket(port, 200, InetAddress.getLoopbackAddress());
            FakeProviderServer server = new FakeProviderServer(dialect, socket);
            Thread.ofPlatform().daemon().name("fake-" + dialect.name().toLowerCase(Locale.ROOT) + "-accept")
                    .start(server::accept);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the fake provider server", e);
        }
    }

    /** As the SDKs expect it: Anthropic the host root, OpenAI including {@code /v1}. */
    public String baseUrl() {
        return baseUrl(dialect);
    }

    /** Where an adapter of {@code wire} should point ({@code ANTHROPIC_BASE_URL} or {@code OPENAI_BASE_URL}). */
    public String baseUrl(Dialect wire) {
        String root = "http://127.0.0.1:" + socket.getLocalPort();
        return wire == Dialect.OPENAI ? root + "/v1" : root;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /**
     * The assistant text of the default answer (the model's reply, e.g. findings JSON); a packed prompt gets it
     * once per packed id, as {@code {"items": [{"id": ..., <answer's fields>}]}}.
     */
    public FakeProviderServer answer(String text) {
        this.answer = text;
        this.responder = request -> new Fault.Answer(Wire.forPrompt(answer, request));
        return this;
    }

    /**
     * Decides the response to every request that no scripted fault or limit answers: a function of the request
     * as received (e.g. a model answer built from the prompt, or the same fault every time).
     */
    public FakeProviderServer respond(Function<Recorded, Fault> responder) {
        this.responder = java.util.Objects.requireNonNull(responder, "responder");
        return this;
    }

    /** The same response to every request. */
    public FakeProviderServer always(Fault fault) {
        return respond(request -> fault);
    }

    public FakeProviderServer enqueue(Fault... faults) {
        script.addAll(List.of(faults));
        return this;
    }

    public FakeProviderServer limitRequestsPerMinute(int limit) {
        this.requestsPerMinute = limit;
        return this;
    }

    /** Input tokens are counted as the request body's length / 4, as the fake's usage reports them. */
    public FakeProviderServer limitTokensPerMinute(long limit) {
        this.tokensPerMinute = limit;
        return this;
    }

    /**
     * Batch API: how many status polls of a batch answer "in progress" before it is done (default 1); applies to
     * every batch, also those already submitted.
     */
    public FakeProviderServer batchPollsBeforeDone(int polls) {
        batches.pollsBeforeDone = polls;
        return this;
    }

    /** Batch API: the requests with these custom ids get an error result instead of the answer. */
    public FakeProviderServer failInBatch(String... customIds) {
        batches.failIds.addAll(List.of(customIds));
        return this;
    }

    /** Batch API: how many batches were created ({@code POST /v1/batches} or {@code /v1/messages/batches}). */
    public int batchSubmissions() {
        return batches.submissions();
    }

    /**
     * Batch API: the ids of the batches cancelled ({@code POST /v1/batches/{id}/cancel} or
     * {@code /v1/messages/batches/{id}/cancel}), in order, each once.
     */
    public List<String> batchCancellations() {
        return batches.cancellations();
    }

    public List<Recorded> requests() {
        return List.copyOf(recorded);
    }

    public int requestCount() {
        return recorded.size();
    }

    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (open) {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
        threads.shutdownNow();
    }

    private void accept() {
        while (running) {
            try {
                Socket s = socket.accept();
                open.add(s);
                threads.submit(() -> serve(s));
            } catch (IOException e) {
                if (running) {
                    continue;
                }
                return;
            }
        }
    }

    private void serve(Socket s) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try (s) {
            Recorded request = read(s.getInputStream());
            if (request == null) {
                return;
            }
            recorded.add(request);
            BatchEndpoints.Reply batch = batches.handle(request, answer);
            if (batch != null) {
                write(s.getOutputStream(), batch.status(), batch.status() == 200 ? "OK" : "Error",
                        Map.of("content-type", "application/json"), batch.body());
                return;
            }
            Fault fault = overLimit(Math.max(1, request.body().length() / 4)) ? new Fault.RateLimited(1)
                    : nextFault(request);
            respond(s, request, fault);
        } catch (IOException | InterruptedException e) {
            // the client went away or the server is closing
        } finally {
            inFlight.decrementAndGet();
            open.remove(s);
        }
    }

    private Fault nextFault(Recorded request) {
        Fault f = script.poll();
        return f == null ? responder.apply(request) : f;
    }

    private Dialect wireOf(Recorded request) {
        if (request.path().contains("/chat/completions")) {
            return Dialect.OPENAI;
        }
        return request.path().endsWith("/messages") ? Dialect.ANTHROPIC : dialect;
    }

    private synchronized boolean overLimit(long tokens) {
        Instant now = clock.instant();
        while (!window.isEmpty() && !window.peekFirst().isAfter(now.minusSeconds(60))) {
            window.pollFirst();
        }
        while (!tokenWindow.isEmpty() && tokenWindow.peekFirst()[0] <= now.minusSeconds(60).toEpochMilli()) {
            tokenWindow.pollFirst();
        }
        long used = tokenWindow.stream().mapToLong(t -> t[1]).sum();
        if (window.size() >= requestsPerMinute || used + tokens > tokensPerMinute) {
            return true;
        }
        window.addLast(now);
        tokenWindow.addLast(new long[] {now.toEpochMilli(), tokens});
        return false;
    }

    private void respond(Socket s, Recorded request, Fault fault) throws IOException, InterruptedException {
        OutputStream out = s.getOutputStream();
        Dialect dialect = wireOf(request);
        switch (fault) {
            case Fault.Delayed d -> {
                Thread.sleep(d.delay());
                respond(s, request, d.then());
            }
            case Fault.Answer a -> {
                if (request.streaming()) {
                    stream(out, dialect, Wire.chunks(a.text()), Wire.End.COMPLETE, request);
                } else {
                    write(out, 200, "OK", Map.of("content-type", "application/json"), Wire.message(dialect, a.text(), request));
                }
            }
            case Fault.RateLimited r -> write(out, 429, "Too Many Requests", Wire.rateLimitHeaders(dialect, r.retryAfterSeconds(), clock.instant()),
                    Wire.error(dialect, 429, false));
            case Fault.QuotaExhausted q -> write(out, 429, "Too Many Requests", Map.of("content-type", "application/json"),
                    Wire.error(dialect, 429, true));
            case Fault.Status st -> write(out, st.status(), "Error", Map.of("content-type", "application/json"),
                    Wire.error(dialect, st.status(), false));
            case Fault.Reset r -> {
                s.setSoLinger(true, 0);
                s.close();
            }
            case Fault.Stall st -> Thread.sleep(st.duration());
            case Fault.TruncatedBody t -> {
                byte[] whole = Wire.message(dialect, answer, request).getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + whole.length
                        + "\r\nconnection: close\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(whole, 0, whole.length / 2);
                out.flush();
                Thread.sleep(200); // let the client read the half before the connection drops
            }
            case Fault.Malformed m -> write(out, 200, "OK", Map.of("content-type", "application/json"), m.body());
            case Fault.OverloadedInStream o -> stream(out, dialect, o.deltas(), Wire.End.OVERLOADED, request);
            case Fault.TruncatedStream t -> {
                stream(out, dialect, t.deltas(), Wire.End.CUT, request);
                Thread.sleep(200); // let the client read what was sent before the connection drops
            }
            case Fault.StallInStream t -> {
                stream(out, dialect, t.deltas(), Wire.End.CUT, request);
                Thread.sleep(t.stall());
            }
        }
    }

    private static void stream(OutputStream out, Dialect dialect, List<String> deltas, Wire.End end, Recorded request)
            throws IOException {
        String head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                + "transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        for (String event : Wire.events(dialect, deltas, end, request)) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        if (end != Wire.End.CUT) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static void write(OutputStream out, int status, String reason, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("content-length: ").append(bytes.length).append("\r\nconnection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private Recorded read(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        String[] parts = requestLine.split(" ");
        return new Recorded(clock.instant(), parts[0], parts.length > 1 ? parts[1] : "", headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                buf.write(c);
            }
        }
        return c == -1 && buf.size() == 0 ? null : buf.toString(StandardCharsets.US_ASCII);
    }
}
