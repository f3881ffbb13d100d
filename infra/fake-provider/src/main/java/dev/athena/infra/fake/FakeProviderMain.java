package dev.athena.infra.fake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a fake provider on a fixed port for demos and the benchmark until stopped (Ctrl-C, SIGTERM):
 * <pre>
 * FakeProviderMain --port 18555 --scenario ok|slow|429|503|529|quota|stall|reset|malformed|truncated
 *                  [--latency-ms 0] [--stall-ms 60000] [--rpm N] [--tpm N] [--answer '{"findings": []}']
 * </pre>
 * One port serves both wire formats; it prints the base URLs to export for the real adapters.
 */
public final class FakeProviderMain {
    private FakeProviderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options;
        FakeProviderServer server;
        try {
            options = options(args);
            server = configure(options);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("fake-provider-stop").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("fake provider on 127.0.0.1:" + server.port() + ", scenario "
                + options.getOrDefault("scenario", "ok"));
        System.out.println("export ANTHROPIC_BASE_URL=" + server.baseUrl(FakeProviderServer.Dialect.ANTHROPIC)
                + " ANTHROPIC_API_KEY=fake");
        System.out.println("export OPENAI_BASE_URL=" + server.baseUrl(FakeProviderServer.Dialect.OPENAI)
                + " OPENAI_API_KEY=fake");
        stopped.await();
    }

    /** A started server as the options describe it. */
    static FakeProviderServer configure(Map<String, String> options) {
        Scenario scenario = Scenario.parse(options.getOrDefault("scenario", "ok"));
        String answer = options.getOrDefault("answer", "{\"findings\": [], \"summary\": \"no findings\"}");
        FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC,
                (int) number(options, "port", 18555));
        server.answer(answer).respond(scenario.responder(answer, Duration.ofMillis(number(options, "latency-ms", 0)),
                Duration.ofMillis(number(options, "stall-ms", 60_000))));
        if (options.containsKey("rpm")) {
            server.limitRequestsPerMinute((int) number(options, "rpm", 0));
        }
        if (options.containsKey("tpm")) {
            server.limitTokensPerMinute(number(options, "tpm", 0));
        }
        return server;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: FakeProviderMain --port 18555 --scenario ok|slow|429|503|"
                        + "529|quota|stall|reset|malformed|truncated [--latency-ms N] [--stall-ms N] [--rpm N] "
                        + "[--tpm N] [--answer TEXT]; bad argument '" + args[i] + "'");
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }

    private static long number(Map<String, String> options, String name, long fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number but was '" + v + "'", e);
        }
    }
}
