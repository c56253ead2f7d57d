package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The job contracts on the wire: commands and outcomes tagged by type, and refused in their constructors. */
class MeterJobTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @Test
    void aJobAndItsResultTravelWithTheirTypes() throws Exception {
        MeterJob job = new MeterJob("b/M1", "b", "M1", Instant.parse("2026-12-05T10:00:00Z"),
                new ReadRegisters(List.of("1.0.1.8.0.255", "1.0.2.8.0.255")));
        String wire = JSON.writeValueAsString(new MeterJobBatch(List.of(job)));
        assertThat(wire).contains("\"command\":{\"type\":\"read-registers\",\"registers\":[\"1.0.1.8.0.255\",\"1.0.2.8.0.255\"]}");
        assertThat(JSON.readValue(wire, MeterJobBatch.class).jobs()).containsExactly(job);

        MeterJobResult ok = MeterJobResult.ok(job, "public: client 16 NONE", new RegisterReadings(
                Instant.parse("2026-12-05T10:00:01Z"), List.of(RegisterValue.of("1.0.1.8.0.255", BigDecimal.TEN, 1, "Wh"))));
        String result = JSON.writeValueAsString(new MeterJobResultBatch(List.of(ok)));
        assertThat(result).contains("\"command\":\"read-registers\"").contains("\"outcome\":{\"type\":\"read-registers\"");
        MeterJobResult back = JSON.readValue(result, MeterJobResultBatch.class).results().get(0);
        assertThat(back.outcome()).isInstanceOf(RegisterReadings.class).isEqualTo(ok.outcome());
        assertThat(back.routingKey()).isEqualTo("result.read-registers");
    }

    @Test
    void aJobCarriesItsPriorityAndOneWithoutIsOnDemand() throws Exception {
        MeterJob scheduled = new MeterJob("b/M1", "b", "M1", Instant.parse("2026-12-05T10:00:00Z"),
                new ReadRegisters(List.of())).withPriority(JobPriority.SCHEDULED);
        String wire = JSON.writeValueAsString(new MeterJobBatch(List.of(scheduled)));
        assertThat(wire).contains("\"priority\":\"SCHEDULED\"");
        assertThat(JSON.readValue(wire, MeterJobBatch.class).jobs()).containsExactly(scheduled);
        // a producer from before priorities (or one that does not say) asks on demand
        MeterJob old = JSON.readValue("{\"jobs\": [{\"jobId\": \"j\", \"meterId\": \"M1\", \"command\": "
                + "{\"type\": \"read-registers\"}}]}", MeterJobBatch.class).jobs().get(0);
        assertThat(old.priority()).isEqualTo(JobPriority.ON_DEMAND);
    }

    @Test
    void contractsRefuseWhatTheyCannotBe() {
        assertThatThrownBy(() -> new MeterJob("j", "b", " ", Instant.now(), new ReadRegisters(List.of())))
                .isInstanceOf(ContractViolation.class).hasMessage("meterId: required");
        assertThatThrownBy(() -> new MeterJob("j", "b", "M1", Instant.now(), null))
                .isInstanceOf(ContractViolation.class).hasMessage("command: required");
        assertThatThrownBy(() -> new MeterJobBatch(List.of())).isInstanceOf(ContractViolation.class);
        MeterJob job = new MeterJob("j", "b", "M1", Instant.now(), new ReadRegisters(null));
        assertThat(((ReadRegisters) job.command()).registers()).containsExactly(ReadRegisters.ACTIVE_ENERGY_IMPORT);
        assertThatThrownBy(() -> new MeterJobResult("j", "b", "M1", "read-registers", MeterJobResult.Status.OK,
                Instant.now(), null, null, null)).isInstanceOf(ContractViolation.class)
                .hasMessage("outcome: required when status is OK");
        assertThatThrownBy(() -> JSON.readValue("{\"jobs\": [{\"jobId\": \"j\", \"meterId\": \"M1\"}]}", MeterJobBatch.class))
                .isInstanceOf(ValueInstantiationException.class).hasCauseInstanceOf(ContractViolation.class);
    }

    @Test
    void anImageChunkIsWholeBlocksOfTheMeterWithinTheImage() throws Exception {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        TransferImage chunk = new TransferImage("AUR-AX1-2.5.0", 10, 4, 1, b64.encodeToString(new byte[4]));
        assertThat(chunk.totalBlocks()).isEqualTo(3);
        new TransferImage("AUR-AX1-2.5.0", 10, 4, 2, b64.encodeToString(new byte[2])); // the last block is shorter
        assertThatThrownBy(() -> new TransferImage("X", 10, 4, 1, b64.encodeToString(new byte[3])))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("data: 3 bytes from block 1");
        assertThatThrownBy(() -> new TransferImage("X", 10, 4, 3, b64.encodeToString(new byte[1])))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("firstBlock");
        assertThatThrownBy(() -> new TransferImage("X", 10, 4, 0, "not base64!"))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("data: not base64");
        MeterJob job = new MeterJob("fw/c/M1/chunk-1/1", "c", "M1", Instant.EPOCH, chunk);
        String wire = JSON.writeValueAsString(new MeterJobBatch(List.of(job)));
        assertThat(wire).contains("\"type\":\"image-transfer\"").contains("\"blockSize\":4");
        assertThat(JSON.readValue(wire, MeterJobBatch.class).jobs()).containsExactly(job);
        MeterJobResult ok = MeterJobResult.ok(job, "t", new ImageBlocks(1, 1, 1, 2, 3, 2, 100));
        assertThat(JSON.readValue(JSON.writeValueAsString(new MeterJobResultBatch(List.of(ok))), MeterJobResultBatch.class)
                .results().get(0).outcome()).isEqualTo(ok.outcome());
        assertThat(ok.routingKey()).isEqualTo("result.image-transfer");
    }
}
