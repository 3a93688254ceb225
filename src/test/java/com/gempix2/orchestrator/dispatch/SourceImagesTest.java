package com.gempix2.orchestrator.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.gempix2.orchestrator.config.SourceConfig;
import com.gempix2.orchestrator.support.ImageType;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The SSRF guards and limits of fetching a source image, against a real HTTP server on loopback. */
class SourceImagesTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    private static final CountDownLatch RELEASE_SLOW = new CountDownLatch(1);
    private static HttpServer server;
    private static String base;

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/image.png", exchange -> answer(exchange, 200, PNG));
        server.createContext("/page", exchange -> answer(exchange, 200, "<html>no image</html>".getBytes()));
        server.createContext("/big.png", exchange -> answer(exchange, 200, Arrays.copyOf(PNG, 5000)));
        server.createContext("/down", exchange -> answer(exchange, 503, new byte[0]));
        server.createContext("/gone", exchange -> answer(exchange, 404, new byte[0]));
        server.createContext("/redirect/", exchange -> {
            int left = Integer.parseInt(exchange.getRequestURI().getPath().substring("/redirect/".length()));
            exchange.getResponseHeaders().add("Location", left == 0 ? "/image.png" : "/redirect/" + (left - 1));
            answer(exchange, 302, new byte[0]);
        });
        server.createContext("/slow.png", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(PNG, 0, 4);
                out.flush();
                // Hangs mid-body until the test class ends: only the fetcher's own timeout can end the download.
                RELEASE_SLOW.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopServer() {
        RELEASE_SLOW.countDown();
        server.stop(0);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static SourceImages fetcher(boolean allowPrivate, boolean allowHttp) {
        return new SourceImages(new SourceConfig() {

            public boolean allowPrivate() {
                return allowPrivate;
            }

            public Source source() {
                return new Source() {

                    public long maxBytes() {
                        return 1000;
                    }

                    public int maxRedirects() {
                        return 3;
                    }

                    public Duration connectTimeout() {
                        return Duration.ofSeconds(2);
                    }

                    public Duration timeout() {
                        return Duration.ofSeconds(1);
                    }

                    public Duration reuseFor() {
                        return Duration.ofHours(1);
                    }

                    public int concurrency() {
                        return 1;
                    }

                    public int perHost() {
                        return 1;
                    }

                    public long minBytesPerSecond() {
                        return 1;
                    }

                    public Duration minRateAfter() {
                        return Duration.ofSeconds(10);
                    }

                    public long heldMaxBytes() {
                        return 1000;
                    }

                    public long heldMaxBytesPerTenant() {
                        return 1000;
                    }

                    public Duration fullRetry() {
                        return Duration.ofSeconds(1);
                    }
                };
            }
        }, allowHttp);
    }

    private final SourceImages allowed = fetcher(true, true);

    @Test
    void imageIsFetchedAndRecognisedByItsBytes() {
        var image = assertInstanceOf(SourceImages.Fetched.Image.class, allowed.fetch(base + "/image.png"));
        assertEquals(ImageType.PNG, image.type());
    }

    @Test
    void privateAddressesAreRefusedUnlessAllowed() {
        var refused = assertInstanceOf(SourceImages.Fetched.Unusable.class,
                fetcher(false, true).fetch(base + "/image.png"));
        assertTrue(refused.reason().contains("private, loopback or link-local"), refused.reason());
        assertTrue(fetcher(false, true).refusal(URI.create("http://169.254.169.254/latest/meta-data")) != null,
                "the cloud metadata address");
    }

    @Test
    void onlyHttpsUnlessHttpIsAllowed() {
        var refused = assertInstanceOf(SourceImages.Fetched.Unusable.class,
                fetcher(true, false).fetch(base + "/image.png"));
        assertEquals("only https URLs are fetched", refused.reason());
        assertInstanceOf(SourceImages.Fetched.Unusable.class, allowed.fetch("file:///etc/passwd"));
        assertInstanceOf(SourceImages.Fetched.Unusable.class, allowed.fetch("gopher://127.0.0.1:6379/_INFO"));
    }

    @Test
    void redirectsAreFollowedAFewTimesAndCheckedEachTime() {
        assertInstanceOf(SourceImages.Fetched.Image.class, allowed.fetch(base + "/redirect/2"));
        var tooMany = assertInstanceOf(SourceImages.Fetched.Unusable.class, allowed.fetch(base + "/redirect/5"));
        assertEquals("more than 3 redirects", tooMany.reason());
    }

    @Test
    void tooLargeOrNotAnImageIsUnusable() {
        var big = assertInstanceOf(SourceImages.Fetched.Unusable.class, allowed.fetch(base + "/big.png"));
        assertEquals("larger than 1000 bytes", big.reason());
        var page = assertInstanceOf(SourceImages.Fetched.Unusable.class, allowed.fetch(base + "/page"));
        assertEquals("not a JPEG, PNG or WebP image", page.reason());
        assertInstanceOf(SourceImages.Fetched.Unusable.class, allowed.fetch(base + "/gone"));
    }

    @Test
    void transientFailuresAreWorthAnotherTry() {
        assertInstanceOf(SourceImages.Fetched.Unavailable.class, allowed.fetch(base + "/down"));
        var slow = assertInstanceOf(SourceImages.Fetched.Unavailable.class, allowed.fetch(base + "/slow.png"));
        assertTrue(slow.reason().startsWith("download took longer than"), slow.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.1.2.3", "172.16.0.1", "192.168.0.1", "127.0.0.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "::1", "fd00::1", "fe80::1", "198.18.0.1", "::ffff:10.0.0.1", "::7f00:1", "64:ff9b::a00:1",
            "2002:c0a8:101::1"})
    void internalAddressesAreRecognised(String address) throws IOException {
        assertTrue(SourceImages.internal(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1"})
    void publicAddressesAreNot(String address) throws IOException {
        assertFalse(SourceImages.internal(InetAddress.getByName(address)), address);
    }
}
