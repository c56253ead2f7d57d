package org.amihes.service.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link UtcInstants} against the reference: Jackson's own JavaTimeModule (DateTimeFormatter.ISO_INSTANT), as the
 * services' mapper had it. The same text is written for every instant, and every text reads as the same instant or is
 * refused alike.
 */
class UtcInstantsTest {

    static final ObjectMapper REFERENCE = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final ObjectMapper FAST = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).registerModule(UtcInstants.module());

    @Test
    void twentyThousandInstantsAreWrittenAsIsoInstantWritesThemAndReadBack() throws Exception {
        long min = LocalDate.of(0, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        long max = LocalDate.of(9999, 12, 31).atTime(23, 59, 59).toEpochSecond(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(20261206);
        for (int i = 0; i < 20_000; i++) {
            long seconds = i < 10_000 ? random.nextLong(min, max + 1) // any year 0000-9999
                    : random.nextLong(1_700_000_000L, 1_900_000_000L); // the years meters report
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            String expected = REFERENCE.writeValueAsString(t);
            assertThat(FAST.writeValueAsString(t)).as(t.toString()).isEqualTo(expected)
                    .isEqualTo("\"" + DateTimeFormatter.ISO_INSTANT.format(t) + "\"");
            assertThat(FAST.readValue(expected, Instant.class)).isEqualTo(t);
            // and the fast path, not the fallback, did it
            assertThat(UtcInstants.format(t)).isEqualTo(expected.substring(1, expected.length() - 1));
            assertThat(UtcInstants.parse(expected.substring(1, expected.length() - 1))).isEqualTo(t);
        }
        assertThat(FAST.getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(UtcInstants.Serializer.class);
    }

    @Test
    void theEdgesAndWhatIsNotCanonicalReadAsTheReferenceReadsThem() throws Exception {
        List<String> texts = List.of("\"1970-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999999999Z\"",
                "\"2024-02-29T23:59:59Z\"", "\"2026-06-15T08:00:00.1Z\"", "\"2026-06-15T08:00:00.12Z\"",
                "\"2026-06-15T08:00:00.1234Z\"", "\"2026-06-15T08:00:00.000000000Z\"",
                // not canonical: the reference decides (accepted with its meaning, or refused)
                "\"2023-02-29T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"", "\"2026-06-31T00:00:00Z\"",
                "\"2026-06-15T24:00:00Z\"", "\"2026-06-15T23:59:60Z\"", "\"2026-06-15T08:60:00Z\"",
                "\"2026-06-15T08:00:00+01:00\"", "\"2026-06-15t08:00:00z\"", "\"2026-06-15T08:00:00.Z\"",
                "\"2026-06-15T08:00:00.1234567890Z\"", "\"2026-06-15T08:00Z\"", "\"+12026-06-15T08:00:00Z\"",
                "\"-0001-06-15T08:00:00Z\"", "\"2026-06-15 08:00:00Z\"", "\"\"", "\"garbage\"", "\"2026-0a-15T08:00:00Z\"",
                "1750000000", "1750000000.5", "null");
        for (String text : texts) {
            Object expected = outcome(REFERENCE, text);
            assertThat(outcome(FAST, text)).as(text).isEqualTo(expected);
        }
        // years beyond 9999 and before 0000 are written as the reference writes them
        for (Instant t : List.of(Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0001-12-31T23:59:59Z"),
                Instant.MAX, Instant.MIN)) {
            assertThat(FAST.writeValueAsString(t)).isEqualTo(REFERENCE.writeValueAsString(t));
        }
    }

    /** The instant read, or the class of the refusal. */
    static Object outcome(ObjectMapper mapper, String json) {
        try {
            return String.valueOf(mapper.readValue(json, Instant.class));
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }
}
