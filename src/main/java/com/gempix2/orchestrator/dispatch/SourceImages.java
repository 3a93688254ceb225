package com.gempix2.orchestrator.dispatch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.gempix2.orchestrator.config.SourceConfig;
import com.gempix2.orchestrator.support.ImageType;

/**
 * Fetches a source image from a URL a business system gave, without letting that URL reach what it
 * must not (SSRF): http(s) only, https unless allowed; no private, loopback, link-local or otherwise
 * internal address unless allowed; every redirect target checked again; the size capped while
 * streaming; timeouts on connecting and on the whole download.
 *
 * <p>The address is checked when the name is resolved here; the HTTP client resolves it again to
 * connect, so a DNS server that answers differently within that moment could still redirect the call.
 */
final class SourceImages {

    /** What a fetch came to. */
    sealed interface Fetched {

        /** The bytes, recognised as {@code type}. */
        record Image(byte[] bytes, ImageType type) implements Fetched {
        }

        /** Never usable, whatever is tried again: refused address, not an image, too large, 4xx. */
        record Unusable(String reason) implements Fetched {
        }

        /** Could not be fetched now (timeout, refused connection, 5xx): worth trying again later. */
        record Unavailable(String reason) implements Fetched {
        }
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "source-download-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /** How often a download in progress is checked against its deadline and the minimum rate. */
    private static final long WATCH_EVERY_MILLIS = 250;

    private static final String UNRESOLVED = "the host could not be resolved";

    private final SourceConfig config;
    private final boolean allowHttp;
    private final HttpClient client;

    SourceImages(SourceConfig config, boolean allowHttp) {
        this.config = config;
        this.allowHttp = allowHttp;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.source().connectTimeout())
                .build();
    }

    Fetched fetch(String url) {
        URI target;
        try {
            target = URI.create(url);
        } catch (IllegalArgumentException e) {
            return new Fetched.Unusable("not a valid URL");
        }
        // One deadline for every hop and the body: a download never outlasts it, whatever the redirects.
        long deadline = System.nanoTime() + config.source().timeout().toNanos();
        for (int hop = 0; hop <= config.source().maxRedirects(); hop++) {
            String refused = refusal(target);
            if (refused != null) {
                return refused.equals(UNRESOLVED) ? new Fetched.Unavailable(refused) : new Fetched.Unusable(refused);
            }
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                return new Fetched.Unavailable("download took longer than " + config.source().timeout());
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(HttpRequest.newBuilder(target).timeout(left).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                // Which error it was would tell the sender about the network: the reason stays general.
                return new Fetched.Unavailable("could not be downloaded");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Fetched.Unavailable("interrupted");
            } catch (IllegalArgumentException e) {
                return new Fetched.Unusable("not a valid URL");
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                close(response);
                String location = response.headers().firstValue("Location").orElse(null);
                if (location == null) {
                    return new Fetched.Unusable("redirect without a Location");
                }
                try {
                    target = target.resolve(location);
                } catch (IllegalArgumentException e) {
                    return new Fetched.Unusable("redirect to a malformed location");
                }
                continue;
            }
            if (status != 200) {
                close(response);
                return status >= 500 || status == 429
                        ? new Fetched.Unavailable("the source answered HTTP " + status)
                        : new Fetched.Unusable("the source answered HTTP " + status);
            }
            return read(response, Duration.ofNanos(deadline - System.nanoTime()));
        }
        return new Fetched.Unusable("more than " + config.source().maxRedirects() + " redirects");
    }

    /** Why {@code target} may not be fetched, or null when it may. */
    String refusal(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp)) {
            return "only https URLs are fetched";
        }
        if (target.getHost() == null) {
            return "URL without a host";
        }
        if (config.allowPrivate()) {
            return null;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(target.getHost())) {
                if (internal(address)) {
                    return "the host resolves to a private, loopback or link-local address";
                }
            }
        } catch (UnknownHostException e) {
            // Perhaps a resolver hiccup: worth another try, unlike a refused address.
            return UNRESOLVED;
        }
        return null;
    }

    /** Addresses no business system's image should live on, as seen from inside the service's network. */
    static boolean internal(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] ip = address.getAddress();
        if (ip.length == 4) {
            int first = ip[0] & 0xFF;
            int second = ip[1] & 0xFF;
            // 100.64/10 carrier-grade NAT, 0/8 "this network", 192.0.0/24 protocol assignments, 198.18/15 benchmarks.
            return first == 0 || (first == 100 && second >= 64 && second < 128)
                    || (first == 192 && second == 0 && (ip[2] & 0xFF) == 0)
                    || (first == 198 && (second == 18 || second == 19));
        }
        // IPv4 inside IPv6 (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16): check the IPv4 part.
        byte[] embedded = null;
        if (allZero(ip, 0, 12)) {
            embedded = Arrays.copyOfRange(ip, 12, 16);
        } else if ((ip[0] & 0xFF) == 0x00 && (ip[1] & 0xFF) == 0x64 && (ip[2] & 0xFF) == 0xFF && (ip[3] & 0xFF) == 0x9B
                && allZero(ip, 4, 12)) {
            embedded = Arrays.copyOfRange(ip, 12, 16);
        } else if ((ip[0] & 0xFF) == 0x20 && (ip[1] & 0xFF) == 0x02) {
            embedded = Arrays.copyOfRange(ip, 2, 6);
        }
        if (embedded != null) {
            try {
                return internal(InetAddress.getByAddress(embedded));
            } catch (UnknownHostException e) {
                return true;
            }
        }
        // fc00::/7 unique local addresses; IPv4-mapped addresses are turned into IPv4 by InetAddress already.
        return (ip[0] & 0xFE) == 0xFC;
    }

    private Fetched read(HttpResponse<InputStream> response, Duration left) {
        long max = config.source().maxBytes();
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > max) {
            close(response);
            return new Fetched.Unusable("larger than " + max + " bytes");
        }
        AtomicLong received = new AtomicLong();
        InputStream body = new FilterInputStream(response.body()) {

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    received.addAndGet(n);
                }
                return n;
            }
        };
        // The client's timeout ends with the headers: a body that trickles is cut off by closing it, at the deadline
        // or once it has averaged less than the minimum rate after the grace.
        long start = System.nanoTime();
        long deadline = start + left.toNanos();
        long graceNanos = config.source().minRateAfter().toNanos();
        AtomicReference<String> cutOff = new AtomicReference<>();
        ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (now >= deadline) {
                cutOff.compareAndSet(null, "download took longer than " + config.source().timeout());
            } else if (now - start >= graceNanos
                    && received.get() * 1_000_000_000L < config.source().minBytesPerSecond() * (now - start)) {
                cutOff.compareAndSet(null, "the source sent fewer than " + config.source().minBytesPerSecond()
                        + " bytes a second");
            }
            if (cutOff.get() != null) {
                close(response);
            }
        }, WATCH_EVERY_MILLIS, WATCH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        try (body) {
            // One byte past the limit is enough to know it is too large; nothing more is read.
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                return new Fetched.Unusable("larger than " + max + " bytes");
            }
            return ImageType.detect(bytes)
                    .<Fetched>map(type -> new Fetched.Image(bytes, type))
                    .orElseGet(() -> new Fetched.Unusable("not a JPEG, PNG or WebP image"));
        } catch (IOException e) {
            return new Fetched.Unavailable(cutOff.get() != null ? cutOff.get() : "could not be downloaded");
        } finally {
            watchdog.cancel(false);
        }
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // Nothing of it is needed.
        }
    }
}
