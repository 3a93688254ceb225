package com.gempix2.orchestrator.simulator;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.System.Logger.Level;

/** Serves generated images and uploads under /files, without authentication, as a CDN would. */
final class FileRoutes {

    private static final System.Logger LOG = System.getLogger(FileRoutes.class.getName());
    private static final String PNG_SUFFIX = ".png";

    private final Vertx vertx;
    private final GenerationStore generations;
    private final Uploads uploads;
    private final ImageRenderer renderer;

    FileRoutes(Vertx vertx, GenerationStore generations, Uploads uploads, ImageRenderer renderer) {
        this.vertx = vertx;
        this.generations = generations;
        this.uploads = uploads;
        this.renderer = renderer;
    }

    void mount(Router router) {
        router.get("/files/uploads/:imageKey").handler(this::upload);
        router.get("/files/:name").handler(this::generated);
    }

    private void upload(RoutingContext ctx) {
        uploads.find(ctx.pathParam("imageKey")).ifPresentOrElse(
                stored -> Replies.bytes(ctx, 200, stored.format().contentType(), stored.bytes()),
                () -> Replies.notFound(ctx));
    }

    private void generated(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (!name.endsWith(PNG_SUFFIX)) {
            Replies.notFound(ctx);
            return;
        }
        generations.completed(name.substring(0, name.length() - PNG_SUFFIX.length())).ifPresentOrElse(
                generation -> servePng(ctx, generation),
                () -> Replies.notFound(ctx));
    }

    private void servePng(RoutingContext ctx, Generation generation) {
        byte[] cached = generation.png();
        if (cached != null) {
            Replies.bytes(ctx, 200, "image/png", cached);
            return;
        }
        GenerateRequest request = generation.request();
        // Rendered on first request only, off the event loop; two racing first requests merely render twice.
        vertx.executeBlocking(() -> renderer.render(generation.uuid(), request.prompt(), request.aspectRatio()), false)
                .onSuccess(png -> {
                    generation.png(png);
                    Replies.bytes(ctx, 200, "image/png", png);
                })
                .onFailure(error -> {
                    LOG.log(Level.ERROR, "Could not render the image of " + generation.uuid(), error);
                    Replies.problem(ctx, 500, "could not render the image");
                });
    }
}
