package org.amihes.firmware.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.amihes.contracts.FirmwareState;
import org.amihes.contracts.MeterJob;
import org.amihes.contracts.MeterJobBatch;
import org.amihes.contracts.MeterJobResult;
import org.amihes.contracts.MeterJobResultBatch;
import org.amihes.contracts.MeterRegistryChange;
import org.amihes.contracts.RegisteredMeter;
import org.amihes.service.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A campaign paused while the engine's tick runs. The tick lists the campaigns, then works through them one by one
 * (milliseconds each in the database): a campaign it had listed as RUNNING just before the pause was still RUNNING to
 * it afterwards, so it claimed and sent the meter's held job, and it kept that stale RUNNING in its memory after the
 * pause had told it to forget it, so a result arriving then was applied as if the campaign ran and the meter's next
 * job was sent. Either way a meter went on after its campaign's pause had been answered: before the fix 131 and 221
 * of the 300 meters in two runs, 87 with only the results' side fixed. Here the tick runs every 5 ms over sixty
 * running campaigns, each with its meter's read in flight; the test pauses them one by one (the others keep the
 * ticks long) and answers each read as soon as its pause is answered. A paused campaign holds its meter at the step
 * it reached (TRANSFERRING, no job): not one meter of the five rounds may have been sent its next job.
 */
@QuarkusTest
@TestProfile(CampaignStateRaceTest.FastTicks.class)
class CampaignStateRaceTest {

    /** Ticks every 5 ms; jobs on an exchange of this test's own (CampaignFlowTest's queue takes every job of its own). */
    public static class FastTicks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hes.firmware.tick", "5ms", "hes.topology.jobs-exchange", JOBS);
        }
    }

    static final String JOBS = "meter-jobs.by-meter-ftest-race";
    static final int CAMPAIGNS = 60;
    static final int ROUNDS = 5;
    static TestJobQueue broker;
    static Channel channel;
    static String jobQueue;

    @BeforeAll
    static void broker() throws Exception {
        broker = new TestJobQueue("firmware-race-test", JOBS);
        channel = broker.channel;
        jobQueue = broker.queue;
    }

    @AfterAll
    static void close() throws Exception {
        broker.connection.close();
    }

    @Test
    void aResultAppliedAfterAPauseNeverSendsTheMetersNextJob() throws Exception {
        String run = "S" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = IntStream.range(0, CAMPAIGNS * ROUNDS).mapToObj(i -> run + String.format("%04d", i)).toList();
        for (int from = 0; from < ids.size(); from += MeterRegistryChange.MAX_METERS) {
            List<RegisteredMeter> part = ids.subList(from, Math.min(ids.size(), from + MeterRegistryChange.MAX_METERS))
                    .stream().map(id -> new RegisteredMeter(id, "aurora-ax1", Instant.now())).toList();
            channel.basicPublish(CampaignFlowTest.REGISTRY, MeterRegistryChange.ROUTING_KEY, null, CampaignFlowTest.JSON
                    .writeValueAsBytes(new MeterRegistryChange(UUID.randomUUID().toString(), false, part)));
        }
        CampaignFlowTest.awaitView(ids.get(ids.size() - 1));
        String image = CampaignFlowTest.upload("AUR-AX1-" + run, "aurora-ax1");
        long sentWhilePaused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> campaigns = new ArrayList<>();
            for (String meter : ids.subList(round * CAMPAIGNS, (round + 1) * CAMPAIGNS)) {
                campaigns.add(given().contentType(ContentType.JSON).header("Idempotency-Key", run + meter)
                        .body(Map.of("imageId", image, "meterIds", List.of(meter), "concurrency", 1, "batchSize", 1))
                        .post("/campaigns").then().statusCode(201).extract().path("id"));
            }
            List<MeterJob> reads = readsOf(campaigns, Duration.ofSeconds(30));
            assertThat(reads).as("each campaign's meter is being read").hasSize(CAMPAIGNS);
            // one by one, each answered as soon as its pause is: the campaigns not paused yet keep the ticks long
            for (MeterJob read : reads) {
                given().post("/campaigns/" + read.batchId() + "/pause").then().statusCode(200);
                List<MeterJobResult> result = List.of(MeterJobResult.ok(read, "test",
                        new FirmwareState("AUR-AX1-1.0", "AUR" + read.meterId(), 512, 0, 0)));
                channel.basicPublish(CampaignFlowTest.RESULTS, MeterJobResultBatch.routingKey(result.get(0).command()),
                        null, CampaignFlowTest.JSON.writeValueAsBytes(new MeterJobResultBatch(result)));
            }
            String list = String.join(",", campaigns);
            CampaignFlowTest.awaitCount(CAMPAIGNS, "select count(*) from firmware.campaign_meter where campaign_id::text "
                    + "= any(string_to_array(?, ',')) and state = 'TRANSFERRING'", list);
            sentWhilePaused += TestDatabase.count("select count(*) from firmware.campaign_meter where campaign_id::text "
                    + "= any(string_to_array(?, ',')) and job_id is not null", list);
            for (String c : campaigns) {
                given().post("/campaigns/" + c + "/cancel").then().statusCode(200);
            }
        }
        assertThat(sentWhilePaused).as("meters of paused campaigns sent their next job, of %d", CAMPAIGNS * ROUNDS)
                .isZero();
    }

    /** The first job of each campaign (its meter's read), from the job queue. */
    private static List<MeterJob> readsOf(List<String> campaigns, Duration timeout) throws Exception {
        Map<String, MeterJob> first = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (first.size() < campaigns.size() && System.nanoTime() < deadline) {
            GetResponse r = channel.basicGet(jobQueue, true);
            if (r == null) {
                Thread.sleep(10);
                continue;
            }
            for (MeterJob job : CampaignFlowTest.JSON.readValue(r.getBody(), MeterJobBatch.class).jobs()) {
                if (campaigns.contains(job.batchId())) {
                    first.putIfAbsent(job.batchId(), job);
                }
            }
        }
        return new ArrayList<>(first.values());
    }
}
