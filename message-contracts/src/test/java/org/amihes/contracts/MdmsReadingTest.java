package org.amihes.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The MDMS message as the README documents it: fields, the dedup key, refusals. */
class MdmsReadingTest {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    static final Instant T = Instant.parse("2026-09-01T06:30:00Z");

    @Test
    void aReadingTravelsWithItsDedupKey() throws Exception {
        MdmsReading r = new MdmsReading(null, MdmsReading.Kind.REGISTER, "M1", null, "1.0.1.8.0.255", T, new BigDecimal("123.4"),
                "Wh", new BigDecimal("1234"), -1, null, "b/M1", T.plusSeconds(1));
        assertThat(r.dedupKey()).isEqualTo("M1/1.0.1.8.0.255/2026-09-01T06:30:00Z");
        String wire = JSON.writeValueAsString(r);
        assertThat(wire).contains("\"dedupKey\":\"M1/1.0.1.8.0.255/2026-09-01T06:30:00Z\"").contains("\"kind\":\"REGISTER\"")
                .contains("\"captureTime\":\"2026-09-01T06:30:00Z\"").contains("\"value\":123.4");
        assertThat(JSON.readValue(wire, MdmsReading.class)).isEqualTo(r);
    }

    @Test
    void anIntervalsKeyNamesItsProfileAndItMayHaveNoUnit() throws Exception {
        MdmsReading r = new MdmsReading(null, MdmsReading.Kind.INTERVAL, "M1", "1.0.99.1.0.255", "1.0.1.8.0.255", T,
                new BigDecimal("5"), null, new BigDecimal("5"), 0, "8", "b/M1", T.plusSeconds(1));
        assertThat(r.dedupKey()).isEqualTo("M1/1.0.99.1.0.255/1.0.1.8.0.255/2026-09-01T06:30:00Z");
        assertThat(JSON.readValue(JSON.writeValueAsString(r), MdmsReading.class)).isEqualTo(r);
        assertThatThrownBy(() -> new MdmsReading(null, MdmsReading.Kind.INTERVAL, "M1", null, "1.0.1.8.0.255", T,
                BigDecimal.ONE, "Wh", BigDecimal.ONE, 0, "0", "j", T)).hasMessageStartingWith("profile:");
        assertThatThrownBy(() -> new MdmsReading(null, MdmsReading.Kind.REGISTER, "M1", null, "1.0.1.8.0.255", T,
                BigDecimal.ONE, null, BigDecimal.ONE, 0, null, "j", T)).hasMessageStartingWith("unit:");
    }

    @Test
    void aKeyThatIsNotTheReadingsOrAMissingFieldIsRefused() {
        assertThatThrownBy(() -> new MdmsReading("M2/1.0.1.8.0.255/2026-09-01T06:30:00Z", MdmsReading.Kind.INTERVAL, "M1",
                "1.0.99.1.0.255", "1.0.1.8.0.255", T, BigDecimal.ONE, "Wh", BigDecimal.ONE, 0, "00", "j", T))
                .isInstanceOf(ContractViolation.class).hasMessageStartingWith("dedupKey:");
        assertThatThrownBy(() -> JSON.readValue("{\"kind\":\"REGISTER\",\"obis\":\"1.0.1.8.0.255\",\"captureTime\":"
                + "\"2026-09-01T06:30:00Z\",\"value\":1,\"unit\":\"Wh\",\"source\":\"j\"}", MdmsReading.class))
                .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("meterId: required");
    }

    @Test
    void aMessageCarriesOneTo500ReadingsEachWithItsOwnKey() throws Exception {
        java.util.List<MdmsReading> readings = new java.util.ArrayList<>();
        for (int i = 0; i < MdmsReadings.MAX_READINGS; i++) {
            readings.add(new MdmsReading(null, MdmsReading.Kind.REGISTER, "M" + i, null, "1.0.1.8.0.255", T,
                    BigDecimal.valueOf(i), "Wh", BigDecimal.valueOf(i), 0, null, "j" + i, T));
        }
        MdmsReadings message = new MdmsReadings(readings);
        String wire = JSON.writeValueAsString(message);
        assertThat(wire).startsWith("{\"readings\":[{\"dedupKey\":\"M0/1.0.1.8.0.255/2026-09-01T06:30:00Z\"");
        assertThat(JSON.readValue(wire, MdmsReadings.class)).isEqualTo(message);
        assertThatThrownBy(() -> new MdmsReadings(java.util.List.of())).isInstanceOf(ContractViolation.class)
                .hasMessageStartingWith("readings:");
        java.util.List<MdmsReading> tooMany = new java.util.ArrayList<>(readings);
        tooMany.add(readings.get(0));
        assertThatThrownBy(() -> new MdmsReadings(tooMany)).isInstanceOf(ContractViolation.class)
                .hasMessageContaining("501 readings, at most 500");
    }
}
