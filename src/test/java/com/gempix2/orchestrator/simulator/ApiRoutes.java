package com.gempix2.orchestrator.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The three endpoints of the Gempix2 API under /api, each behind the {@link ApiGate}. */
final class ApiRoutes {

    static final String GENERATE_PATH = "/api/generate-image";
    static final String STATUS_PATH = "/api/image-status/:uuid";
    static final String UPLOAD_PATH = "/api/upload-image-image";

    private static final long JSON_BODY_LIMIT = 1024 * 1024;
    // Above the 50 MB the reference allows, so that the simulator's own check answers 1000 instead of Vert.x a 413.
    private static final long UPLOAD_BODY_LIMIT = Uploads.MAX_BYTES + 2 * 1024 * 1024;
    private static final String UPLOADS_DIRECTORY = Path
            .of(System.getProperty("java.io.tmpdir"), "gempix2-simulator-uploads").toString();

    private final Vertx vertx;
    private final ApiGate gate;
    private final LiveKnobs knobs;
    private final GenerationStore generations;
    private final Uploads uploads;
    private final Counters counters;
    private final Supplier<String> publicBaseUrl;

    ApiRoutes(Vertx vertx, ApiGate gate, LiveKnobs knobs, GenerationStore generations, Uploads uploads,
            Counters counters, Supplier<String> publicBaseUrl) {
        this.vertx = vertx;
        this.gate = gate;
        this.knobs = knobs;
        this.generations = generations;
        this.uploads = uploads;
        this.counters = counters;
        this.publicBaseUrl = publicBaseUrl;
    }

    void mount(Router router) {
        router.post(GENERATE_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(JSON_BODY_LIMIT))
                .handler(gate.guard(Endpoint.GENERATE, this::generate));
        router.get(STATUS_PATH)
                .handler(ctx -> {
                    // Every poll counts, whatever its answer: tests use this to see who polled what.
                    counters.poll(ctx.pathParam("uuid"));
                    ctx.next();
                })
                .handler(gate.guard(Endpoint.STATUS, this::status));
        router.post(UPLOAD_PATH)
                .handler(BodyHandler.create(UPLOADS_DIRECTORY)
                        .setBodyLimit(UPLOAD_BODY_LIMIT)
                        .setDeleteUploadedFilesOnEnd(true))
                .handler(gate.guard(Endpoint.UPLOAD, this::upload));
    }

    private CompletionStage<Envelope> generate(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        GenerateRequest request;
        try {
            request = GenerateRequest.parse(SimulatorJson.parse(body == null ? null : body.getBytes()));
        } catch (IllegalArgumentException e) {
            return done(Envelope.invalid(e.getMessage()));
        }
        Optional<LiveKnobs.CreditShortfall> shortfall = knobs.spendForGeneration();
        if (shortfall.isPresent()) {
            return done(Envelope.error(ApiError.INSUFFICIENT_CREDITS, shortfall.get()));
        }
        Knobs current = knobs.get();
        Generation generation = generations.create(request, current);
        Envelope created = Envelope.success("Success", generation.created());
        if (current.webhookBeforeResponse()) {
            // The receiver hears of the uuid before the caller does: the race a webhook receiver must survive.
            return generations.settle(generation).thenApply(ignored -> created);
        }
        return done(created);
    }

    private CompletionStage<Envelope> status(RoutingContext ctx) {
        return done(generations.find(ctx.pathParam("uuid"))
                .map(generation -> Envelope.success("Success", generations.view(generation)))
                .orElseGet(() -> Envelope.invalid("unknown uuid")));
    }

    private CompletionStage<Envelope> upload(RoutingContext ctx) {
        Optional<FileUpload> file = ctx.fileUploads().stream().filter(upload -> "file".equals(upload.name()))
                .findFirst();
        if (file.isEmpty()) {
            return done(Envelope.invalid("file is required (multipart/form-data field 'file')"));
        }
        if (file.get().size() > Uploads.MAX_BYTES) {
            return done(Envelope.invalid("file is larger than 50 MB"));
        }
        return vertx.fileSystem().readFile(file.get().uploadedFileName())
                .map(buffer -> accept(buffer.getBytes()))
                .toCompletionStage();
    }

    private Envelope accept(byte[] bytes) {
        return ImageFormat.detect(bytes)
                .map(format -> uploads.store(format, bytes))
                .map(stored -> Envelope.success("Upload successful",
                        new Uploads.Result(publicBaseUrl.get() + "/files/uploads/" + stored.imageKey(),
                                stored.imageKey())))
                .orElseGet(() -> Envelope.invalid("file must be a JPEG, PNG or WebP image"));
    }

    private static CompletionStage<Envelope> done(Envelope envelope) {
        return CompletableFuture.completedFuture(envelope);
    }
}
