package com.gempix2.orchestrator.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Consumer;

/** The test-only control API under /sim: reset, knobs, faults, counters and the list of generations. No auth. */
final class ControlRoutes {

    private static final long BODY_LIMIT = 64 * 1024;

    private final LiveKnobs knobs;
    private final Faults faults;
    private final Counters counters;
    private final GenerationStore generations;
    private final Runnable reset;

    ControlRoutes(LiveKnobs knobs, Faults faults, Counters counters, GenerationStore generations, Runnable reset) {
        this.knobs = knobs;
        this.faults = faults;
        this.counters = counters;
        this.generations = generations;
        this.reset = reset;
    }

    void mount(Router router) {
        router.route("/sim/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
        router.post("/sim/reset").handler(ctx -> {
            reset.run();
            Replies.noContent(ctx);
        });
        router.get("/sim/knobs").handler(ctx -> Replies.json(ctx, 200, knobs.get()));
        router.put("/sim/knobs").handler(ctx -> withJsonBody(ctx, body -> Replies.json(ctx, 200, knobs.update(body))));
        router.get("/sim/faults").handler(ctx -> Replies.json(ctx, 200, faults.pending()));
        router.post("/sim/faults").handler(ctx -> withJsonBody(ctx, body -> {
            faults.add(SimulatorJson.read(body, Fault.class));
            Replies.json(ctx, 200, faults.pending());
        }));
        router.delete("/sim/faults").handler(ctx -> {
            faults.clear();
            Replies.noContent(ctx);
        });
        router.get("/sim/counters").handler(ctx -> Replies.json(ctx, 200, counters.snapshot()));
        router.get("/sim/generations").handler(ctx -> Replies.json(ctx, 200, generations.summaries()));
    }

    // Every control input is a JSON object; whatever is wrong with it is the caller's mistake: 400, with why.
    private static void withJsonBody(RoutingContext ctx, Consumer<JsonNode> action) {
        try {
            Buffer body = ctx.body().buffer();
            JsonNode json = SimulatorJson.parse(body == null ? null : body.getBytes());
            if (!json.isObject()) {
                throw new IllegalArgumentException("body must be a JSON object");
            }
            action.accept(json);
        } catch (IllegalArgumentException e) {
            Replies.problem(ctx, 400, e.getMessage());
        }
    }
}
