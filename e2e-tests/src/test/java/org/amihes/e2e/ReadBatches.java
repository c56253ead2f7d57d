package org.amihes.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.amihes.service.testing.TestDatabase;

/** Following a read batch through polling-service's API, and counting what it stored in its database. */
final class ReadBatches {

    private ReadBatches() {
    }

    /** Polls {@code /reads/{batch}} until {@code until} holds for the progress, or fails with the last one seen. */
    static JsonPath await(String pollingUrl, String batch, Predicate<JsonPath> until, Duration timeout)
            throws InterruptedException {
        JsonPath progress = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            progress = given().baseUri(pollingUrl).get("/reads/" + batch).then().statusCode(200).extract().jsonPath();
            if (until.test(progress)) {
                return progress;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("batch " + batch + " not there within " + timeout + ": "
                + (progress == null ? "no answer" : progress.prettify()));
    }

    /**
     * Until polling-service's registry view knows the meter (from association-service's registry events): start
     * polling-service first, so its registry queue exists before association-service announces the fleet.
     */
    static void awaitView(String pollingUrl, String meterId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (given().baseUri(pollingUrl).get("/meters/" + meterId + "/readings").statusCode() == 404) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("polling-service's registry view does not know " + meterId + " after 120 s");
            }
            Thread.sleep(200);
        }
    }

    static JsonPath awaitDone(String pollingUrl, String batch, Duration timeout) throws InterruptedException {
        return await(pollingUrl, batch, p -> p.getBoolean("done"), timeout);
    }

    /** jobId → readings stored for it, for every job of the batch that has any. */
    static Map<String, Integer> readingsByJob(String batch) throws SQLException {
        Map<String, Integer> byJob = new HashMap<>();
        try (Connection c = TestDatabase.connection();
             var st = c.prepareStatement("SELECT job_id, count(*) FROM polling.reading WHERE job_id LIKE ? GROUP BY job_id")) {
            st.setString(1, batch + "/%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    byJob.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return byJob;
    }

    /** Results association-service has recorded in its journal for the batch's jobs. */
    static int recordedResults(String batch) {
        return (int) TestDatabase.count("SELECT count(*) FROM association.job_result WHERE job_id LIKE ?", batch + "/%");
    }
}
