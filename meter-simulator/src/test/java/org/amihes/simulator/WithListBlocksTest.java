package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import gurux.dlms.GXByteBuffer;
import gurux.dlms.GXReplyData;
import gurux.dlms.internal.GXCommon;
import gurux.dlms.internal.GXDataInfo;
import gurux.dlms.objects.GXDLMSClock;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSExtendedRegister;
import gurux.dlms.objects.GXDLMSObject;
import gurux.dlms.objects.GXDLMSProfileGeneric;
import gurux.dlms.objects.GXDLMSRegister;
import gurux.dlms.objects.enums.SecuritySuite;
import gurux.dlms.secure.GXDLMSSecureClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A GET-with-list whose answer does not fit the negotiated PDU arrives by block transfer, as IEC 62056-5-3 (Green
 * Book) has it: Get-Response-With-Datablock {@code C4 02}, invoke-id-and-priority, last-block, block-number
 * (Unsigned32, from 1), raw-data {@code [0]} with an A-XDR length; GET-request-next {@code C0 02} carries the number
 * of the last block received; the raw data of all blocks is the list result, item count then one Get-Data-Result
 * per item. The frames are taken apart here by those rules; the values are compared with {@link MeterModel} and
 * {@link EventLog}.
 */
@Timeout(30)
class WithListBlocksTest {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.28.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void longListFromTheSmallPduHdlcMeterArrivesInDataBlocksAsTheGreenBookHasThem() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3"); // HDLC, 256-byte PDU
        VendorProfile profile = VendorProfile.load(meter.profile());
        try (TestClient client = TestClient.publicClient(meter).associate()) {
            assertThat(client.client.getMaxReceivePDUSize()).isEqualTo(256);
            List<Map.Entry<GXDLMSObject, Integer>> list = attributes(profile);

            GXReplyData reply = client.exchangeAll(client.client.readList(list));

            // the blocks, as they came
            List<String> exchanged = client.frames.subList(client.frames.indexOf(lastRequestBefore(client.frames)),
                    client.frames.size());
            List<byte[]> blocks = new ArrayList<>();
            List<byte[]> nexts = new ArrayList<>();
            for (String f : exchanged) {
                assertThat(f.substring(3)).as("one whole HDLC frame, not a segment").startsWith("7EA0");
                byte[] apdu = hdlcApdu(HEX.parseHex(f.substring(3)));
                (f.startsWith("RX ") ? blocks : nexts).add(apdu);
            }
            assertThat(HEX.formatHex(nexts.get(0))).startsWith("C003"); // the list request, then GET-request-next
            int invokeId = nexts.get(0)[2] & 0xFF;
            GXByteBuffer raw = new GXByteBuffer();
            for (int n = 1; n <= blocks.size(); n++) {
                byte[] b = blocks.get(n - 1);
                assertThat(b.length).isLessThanOrEqualTo(256);
                assertThat(b[0] & 0xFF).isEqualTo(0xC4);
                assertThat(b[1]).as("get-response-with-datablock").isEqualTo((byte) 2);
                assertThat(b[2] & 0xFF).isEqualTo(invokeId);
                assertThat(b[3]).as("last-block of block " + n).isEqualTo((byte) (n == blocks.size() ? 1 : 0));
                assertThat(u32(b, 4)).as("block-number").isEqualTo(n);
                assertThat(b[8]).as("raw-data").isEqualTo((byte) 0);
                GXByteBuffer block = new GXByteBuffer(Arrays.copyOfRange(b, 9, b.length));
                int length = GXCommon.getObjectCount(block);
                assertThat(block.available()).as("raw-data length").isEqualTo(length);
                raw.set(block.getData(), block.position(), length);
                if (n < blocks.size()) {
                    byte[] next = nexts.get(n);
                    assertThat(HEX.formatHex(next)).as("GET-request-next after block " + n)
                            .isEqualTo(String.format("C002%02X%08X", invokeId, n));
                }
            }
            assertThat(blocks).hasSizeGreaterThan(2);

            // the raw data is the list result: count, then per item choice 0 (data) and the value
            assertThat(GXCommon.getObjectCount(raw)).isEqualTo(list.size());
            List<Object> items = new ArrayList<>();
            while (raw.available() > 0) {
                assertThat(raw.getUInt8()).as("get-data-result choice").isZero();
                items.add(GXCommon.getData(null, raw, new GXDataInfo()));
            }
            assertExpectedValues(meter, profile, items);
            // and Gurux's client reads the same list out of the blocks
            assertExpectedValues(meter, profile, (List<?>) reply.getValue());

            // the association goes on normally
            GXDLMSClock clock = new GXDLMSClock(CosemObjects.CLOCK);
            client.read(clock, 2);
            assertThat(clock.getTime().getValue().toInstant()).isEqualTo(Fixture.NOW);
        }
    }

    @Test
    void getRequestNextWithAWrongBlockNumberEndsTheTransfer() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3");
        VendorProfile profile = VendorProfile.load(meter.profile());
        try (TestClient client = TestClient.publicClient(meter).associate()) {
            byte[][] request = client.client.readList(attributes(profile));
            assertThat(request.length).isEqualTo(1);
            byte[] first = hdlcApdu(client.raw(request[0]));
            assertThat(HEX.formatHex(first)).startsWith("C402C1" + "00" + "00000001" + "00");

            // GET-request-next (C0 02, invoke id C1) for block 7 instead of 1: I-frame N(S) 2, N(R) 2, poll
            byte[] wrong = SecurityControlCheckTest.hdlc(false, "E6E600" + "C002C1" + "00000007");
            wrong[5] = 0x54;
            SecurityControlCheckTest.putCrc(wrong, 6, SecurityControlCheckTest.crc(wrong, 1, 5));
            SecurityControlCheckTest.putCrc(wrong, wrong.length - 3, SecurityControlCheckTest.crc(wrong, 1,
                    wrong.length - 4));
            byte[] refused = hdlcApdu(client.raw(wrong));

            // last-block TRUE, block-number 1 (the last sent), data-access-result (1) data-block-number-invalid (19)
            assertThat(HEX.formatHex(refused)).isEqualTo("C402C1" + "01" + "00000001" + "01" + "13");
        }
    }

    /**
     * A ciphered association: every block is its own general-glo-ciphering APDU (the form Gurux's client and the
     * meter use here), under the meter's system title and an invocation counter one higher than the block before.
     */
    @Test
    void cipheredBlocksAreEachCipheredUnderTheNextInvocationCounter() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1"); // HLS-GMAC suite 0, 1024-byte PDU
        VendorProfile profile = VendorProfile.load(meter.profile());
        MeterKeys keys = fixture.simulator.fleet().keys(meter.meterId());
        GXDLMSSecureClient client = SecuritySuiteTest.gmacClient(keys, SecuritySuite.SUITE_0, keys.blockCipherKey());
        List<byte[]> answers = new ArrayList<>();
        GXReplyData reply = new GXReplyData();
        byte[] afterwards;
        try (SecuritySuiteTest.Wire wire = new SecuritySuiteTest.Wire(meter)) {
            wire.associate(client);
            GXDLMSProfileGeneric loadProfile = new GXDLMSProfileGeneric(profile.loadProfileObis());
            byte[] next = client.readList(List.of(entry(new GXDLMSClock(CosemObjects.CLOCK), 2),
                    entry(loadProfile, 2)))[0];
            for (int i = 0; i < 100 && next != null; i++) {
                byte[] answer = wire.frame(next);
                answers.add(answer);
                assertThat(client.getData(new GXByteBuffer(answer), reply, new GXReplyData())).isTrue();
                next = reply.isMoreData() ? client.receiverReady(reply) : null;
            }
            assertThat(next).as("transfer complete").isNull();
            afterwards = wire.frame(client.read(new GXDLMSClock(CosemObjects.CLOCK), 2)[0]);
        }

        long firstIc = -1;
        GXByteBuffer raw = new GXByteBuffer();
        for (int n = 1; n <= answers.size(); n++) {
            byte[] frame = answers.get(n - 1);
            assertThat(frame.length - 8).as("APDU within the PDU").isLessThanOrEqualTo(1024);
            assertThat(HEX.formatHex(frame, 8, 18)).isEqualTo("DB08" + HEX.formatHex(keys.systemTitle()));
            int sc = frame[19 + lengthBytes(frame, 18)] & 0xFF; // DB, 08, title, length
            long ic = u32(frame, 20 + lengthBytes(frame, 18));
            assertThat(sc).isEqualTo(0x30);
            if (n == 1) {
                firstIc = ic;
            }
            assertThat(ic).as("invocation counter of block " + n).isEqualTo(firstIc + n - 1);
            byte[] block = decipherGeneralGlo(frame, keys);
            assertThat(HEX.formatHex(block, 0, 9)).isEqualTo(String.format("C402%02X%02X%08X00",
                    client.getInvokeID() | 0xC0, n == answers.size() ? 1 : 0, n));
            GXByteBuffer b = new GXByteBuffer(Arrays.copyOfRange(block, 9, block.length));
            int length = GXCommon.getObjectCount(b);
            assertThat(b.available()).isEqualTo(length);
            raw.set(b.getData(), b.position(), length);
        }
        assertThat(answers).hasSizeGreaterThan(10); // ~17 kB of load profile in 1024-byte APDUs
        // Gurux's own next answer takes the counter after the last block: none is used twice
        assertThat(u32(afterwards, 20 + lengthBytes(afterwards, 18))).isEqualTo(firstIc + answers.size());
        assertThat(HEX.formatHex(decipherGeneralGlo(afterwards, keys))).startsWith("C401");

        assertThat(GXCommon.getObjectCount(raw)).isEqualTo(2);
        assertThat(raw.getUInt8()).isZero();
        assertThat(dateTime((byte[]) GXCommon.getData(null, raw, new GXDataInfo()))).isEqualTo(Fixture.NOW);
        assertThat(raw.getUInt8()).isZero();
        List<?> rows = (List<?>) GXCommon.getData(null, raw, new GXDataInfo());
        assertThat(raw.available()).isZero();
        assertThat(rows).hasSize((int) (LoadProfile.DEPTH.getSeconds() / profile.loadProfileCaptureSeconds()));
        long period = profile.loadProfileCaptureSeconds();
        Instant newest = Instant.ofEpochSecond(Math.floorDiv(Fixture.NOW.getEpochSecond(), period) * period);
        for (int i = 0; i < rows.size(); i++) {
            List<?> row = (List<?>) rows.get(i);
            Instant at = newest.minusSeconds((rows.size() - 1 - i) * period);
            assertThat(dateTime((byte[]) row.get(0))).isEqualTo(at);
            assertThat(((Number) row.get(1)).longValue())
                    .isEqualTo(MeterModel.energyRaw(meter, profile, at).longValueExact());
        }
        assertThat((List<?>) reply.getValue()).hasSize(2);
    }

    // ---------------------------------------------------------------- the list and what the model says

    /** Clock, event log buffer, names, register and max demand attributes: a few hundred bytes in all. */
    static List<Map.Entry<GXDLMSObject, Integer>> attributes(VendorProfile profile) {
        GXDLMSRegister energy = new GXDLMSRegister(profile.energyObis());
        return List.of(entry(new GXDLMSClock(CosemObjects.CLOCK), 2),
                entry(new GXDLMSProfileGeneric(CosemObjects.EVENT_LOG), 2),
                entry(new GXDLMSData(CosemObjects.LOGICAL_DEVICE_NAME), 2),
                entry(new GXDLMSData(CosemObjects.SERIAL_NUMBER), 2),
                entry(energy, 3), entry(energy, 2),
                entry(new GXDLMSProfileGeneric(profile.loadProfileObis()), 3),
                entry(new GXDLMSExtendedRegister(CosemObjects.MAX_DEMAND), 2),
                entry(new GXDLMSExtendedRegister(CosemObjects.MAX_DEMAND), 5));
    }

    static void assertExpectedValues(MeterSpec meter, VendorProfile profile, List<?> items) {
        assertThat(items).hasSize(9);
        assertThat(dateTime((byte[]) items.get(0))).isEqualTo(Fixture.NOW);
        List<MeterEvent> events = EventLog.events(meter, Fixture.NOW.minus(EventLog.DEPTH), Fixture.NOW);
        assertThat(events).isNotEmpty();
        List<?> rows = (List<?>) items.get(1);
        assertThat(rows).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            List<?> row = (List<?>) rows.get(i);
            assertThat(dateTime((byte[]) row.get(0))).isEqualTo(events.get(i).at());
            assertThat(((Number) row.get(1)).intValue()).isEqualTo(events.get(i).code());
        }
        assertThat(text(items.get(2))).isEqualTo(profile.manufacturer() + meter.serialNumber());
        assertThat(text(items.get(3))).isEqualTo(meter.serialNumber());
        List<?> scalerUnit = (List<?>) items.get(4);
        assertThat(((Number) scalerUnit.get(0)).intValue()).isEqualTo(profile.energyScaler());
        assertThat(((Number) scalerUnit.get(1)).intValue()).isEqualTo(30); // Wh (Blue Book unit table)
        assertThat(((Number) items.get(5)).longValue())
                .isEqualTo(MeterModel.energyRaw(meter, profile, Fixture.NOW).longValueExact());
        List<?> captured = (List<?>) items.get(6);
        assertThat(captured).hasSize(2);
        assertThat(captureObject(captured.get(0))).isEqualTo("8/0.0.1.0.0.255/2/0");
        assertThat(captureObject(captured.get(1))).isEqualTo("3/" + profile.energyObis() + "/2/0");
        assertThat(((Number) items.get(7)).longValue()).isEqualTo(MeterModel.maxDemandW(meter));
        assertThat(dateTime((byte[]) items.get(8))).isEqualTo(MeterModel.maxDemandTime(meter, Fixture.NOW));
    }

    static Map.Entry<GXDLMSObject, Integer> entry(GXDLMSObject object, int attribute) {
        return new AbstractMap.SimpleEntry<>(object, attribute);
    }

    static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(value);
    }

    static String captureObject(Object structure) {
        List<?> c = (List<?>) structure;
        byte[] ln = (byte[]) c.get(1);
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            name.append(i == 0 ? "" : ".").append(ln[i] & 0xFF);
        }
        return c.get(0) + "/" + name + "/" + c.get(2) + "/" + c.get(3);
    }

    /** COSEM date-time (Blue Book): year (2), month, day, weekday, hour, minute, second, hundredths, deviation (2). */
    static Instant dateTime(byte[] b) {
        assertThat(b).hasSize(12);
        assertThat(((b[9] & 0xFF) << 8) | (b[10] & 0xFF)).as("deviation: UTC").isZero();
        return LocalDateTime.of(((b[0] & 0xFF) << 8) | (b[1] & 0xFF), b[2], b[3], b[5], b[6], b[7])
                .toInstant(ZoneOffset.UTC);
    }

    static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8)
                | (b[at + 3] & 0xFF);
    }

    /** The APDU of an HDLC I-frame: after the LLC (E6 E6 00 or E6 E7 00), before FCS and flag. */
    static byte[] hdlcApdu(byte[] frame) {
        String hex = HEX.formatHex(frame);
        int llc = Math.max(hex.indexOf("E6E600"), hex.indexOf("E6E700")) / 2;
        return Arrays.copyOfRange(frame, llc + 3, frame.length - 3);
    }

    /** The Get-Response-With-Datablock APDUs among the answers ("RX ") in {@code frames}, in order. */
    static List<byte[]> dataBlocks(List<String> frames, VendorProfile.Framing framing) {
        return frames.stream().filter(f -> f.startsWith("RX ")).map(f -> HEX.parseHex(f.substring(3)))
                .map(f -> framing == VendorProfile.Framing.HDLC ? hdlcApdu(f) : Arrays.copyOfRange(f, 8, f.length))
                .filter(a -> a.length > 1 && (a[0] & 0xFF) == 0xC4 && a[1] == 2).toList();
    }

    /** The raw data of {@code blocks}, concatenated; each block's choice is raw-data and its length right. */
    static GXByteBuffer rawData(List<byte[]> blocks) {
        GXByteBuffer raw = new GXByteBuffer();
        for (byte[] b : blocks) {
            assertThat(b[8]).as("raw-data").isEqualTo((byte) 0);
            GXByteBuffer block = new GXByteBuffer(Arrays.copyOfRange(b, 9, b.length));
            int length = GXCommon.getObjectCount(block);
            assertThat(block.available()).as("raw-data length").isEqualTo(length);
            raw.set(block.getData(), block.position(), length);
        }
        return raw;
    }

    static String lastRequestBefore(List<String> frames) {
        return frames.stream().filter(f -> f.startsWith("TX ") && f.contains("E6E600C003")).reduce((a, b) -> b)
                .orElseThrow();
    }

    /** Extra bytes of the A-XDR length at {@code at}: 0 for one byte, n for 0x8n. */
    static int lengthBytes(byte[] b, int at) {
        return (b[at] & 0x80) == 0 ? 0 : b[at] & 0x7F;
    }

    static byte[] decipherGeneralGlo(byte[] frame, MeterKeys keys) throws Exception {
        int p = 8 + 2 + 8;
        p += 1 + lengthBytes(frame, p);
        byte sc = frame[p++];
        byte[] iv = SecuritySuiteTest.concat(keys.systemTitle(), Arrays.copyOfRange(frame, p, p + 4));
        p += 4;
        return SecuritySuiteTest.gcm(javax.crypto.Cipher.DECRYPT_MODE, keys.blockCipherKey(), iv,
                SecuritySuiteTest.concat(new byte[] {sc}, keys.authenticationKey()),
                Arrays.copyOfRange(frame, p, frame.length));
    }
}
