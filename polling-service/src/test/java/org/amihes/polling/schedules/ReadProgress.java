package org.amihes.polling.schedules;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

/** Waits for a batch to be done over {@code GET /reads/{id}}; answers how many jobs completed OK. */
public final class ReadProgress {

    private ReadProgress() {
    }

    public static int awaitDone(String batchId) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        Response r;
        do {
            r = given().get("/reads/" + batchId).then().statusCode(200).extract().response();
            if (Boolean.TRUE.equals(r.path("done"))) {
                return r.path("ok");
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("batch " + batchId + " not done: " + r.asString());
    }
}
