package org.amihes.polling;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Stands in for association-service's registry API (GET /meters, GET /meters/{id}) with a fixed fleet of
 * {@link #METERS}, so polling-service is tested alone; the end-to-end tests run it against the real service.
 */
public class RegistryStub implements QuarkusTestResourceLifecycleManager {

    public static final List<String> METERS = IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("PT-%04d", i)).toList();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            String path = req.path();
            if (path.equals("/meters")) {
                int offset = Integer.parseInt(req.getParam("offset", "0"));
                int limit = Integer.parseInt(req.getParam("limit", "1000"));
                JsonArray page = new JsonArray();
                METERS.stream().skip(offset).limit(limit).forEach(id -> page.add(meter(id)));
                req.response().putHeader("content-type", "application/json").end(new JsonObject()
                        .put("total", METERS.size()).put("offset", offset).put("limit", limit).put("meters", page).encode());
            } else if (path.startsWith("/meters/") && METERS.contains(path.substring(8))) {
                req.response().putHeader("content-type", "application/json").end(meter(path.substring(8)).encode());
            } else {
                req.response().setStatusCode(404).putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("status", 404).put("title", "Not Found").encode());
            }
        });
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
        return Map.of("quarkus.rest-client.association.url", "http://127.0.0.1:" + port);
    }

    private static JsonObject meter(String id) {
        return new JsonObject().put("meterId", id).put("vendor", "aurora-ax1").put("host", "127.9.0.1").put("port", 4059);
    }

    @Override
    public void stop() {
        vertx.close();
    }
}
