package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tiny webhook endpoint for tests: records what it receives and answers a chosen status. */
final class WebhookReceiver implements AutoCloseable {

    /** One received webhook. */
    record Received(String contentType, String query, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int answerStatus = 200;

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            // Recorded before answering, so that whoever waits for the answer can rely on the record.
            received.add(new Received(exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestURI().getQuery(),
                    SimulatorHarness.JSON.readTree(exchange.getRequestBody().readAllBytes())));
            exchange.sendResponseHeaders(answerStatus, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=secret";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void answer(int status) {
        answerStatus = status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
