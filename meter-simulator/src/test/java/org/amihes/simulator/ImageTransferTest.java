package org.amihes.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gurux.dlms.GXDLMSException;
import gurux.dlms.enums.DataType;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.objects.GXDLMSData;
import gurux.dlms.objects.GXDLMSImageTransfer;
import gurux.dlms.objects.enums.ImageTransferStatus;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bootloader keeps its state across connections and never writes or activates an installed image again. */
@Timeout(20)
class ImageTransferTest {

    static Fixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture("127.22.0.1", SimulatorOptions.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void sameImageTwiceIsRefusedWithoutAnotherFlashWrite() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        byte[] image = image(3_000);
        int blocks = (3_000 + 511) / 512;

        transferAndActivate(meter, "AUR-AX1-2.5.0", image);

        MeterSnapshot after = fixture.simulator.meterState(meter.meterId());
        assertThat(after.firmwareVersion()).isEqualTo("AUR-AX1-2.5.0");
        assertThat(after.flashWrites()).isEqualTo(blocks);
        assertThat(after.imagesActivated()).isEqualTo(1);
        assertThat(after.imageTransferStatus()).isEqualTo(ImageTransferStatus.IMAGE_ACTIVATION_SUCCESSFUL.ordinal());
        try (TestClient c = TestClient.publicClient(meter).associate()) { // a later connection sees the new firmware
            GXDLMSData version = new GXDLMSData(CosemObjects.FIRMWARE_VERSION);
            c.read(version, 2);
            assertThat(new String((byte[]) version.getValue(), StandardCharsets.US_ASCII)).isEqualTo("AUR-AX1-2.5.0");
        }

        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSImageTransfer it = imageTransfer(c);
            assertThatThrownBy(() -> c.send(it.imageTransferInitiate(c.client, "AUR-AX1-2.5.0", image.length)))
                    .isInstanceOfSatisfying(GXDLMSException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.OTHER_REASON.getValue()));
            assertThatThrownBy(() -> c.send(it.imageActivate(c.client))).isInstanceOf(GXDLMSException.class);
        }
        assertThat(fixture.simulator.meterState(meter.meterId())).usingRecursiveComparison().ignoringFields("sessions", "mostConcurrent", "associationsByClient")
                .isEqualTo(after);
    }

    @Test
    void factoryImageIsRefusedAndUnverifiedImageIsNotActivated() throws Exception {
        MeterSpec meter = fixture.meter("borealis-b7");
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSImageTransfer it = imageTransfer(c);
            assertThatThrownBy(() -> c.send(it.imageTransferInitiate(c.client, "BOR-B7-1.9.0", 1_000)))
                    .isInstanceOf(GXDLMSException.class);

            c.send(it.imageTransferInitiate(c.client, "BOR-B7-2.0.0", 1_000));
            sendBlock(c, it, image(1_000), 0);
            assertThatThrownBy(() -> c.send(it.imageActivate(c.client))).isInstanceOf(GXDLMSException.class);
            c.read(it, 4);
            assertThat(it.getImageFirstNotTransferredBlockNumber()).isEqualTo(1);
        }
        MeterSnapshot s = fixture.simulator.meterState(meter.meterId());
        assertThat(s.firmwareVersion()).isEqualTo("BOR-B7-1.9.0");
        assertThat(s.flashWrites()).isEqualTo(1);
        assertThat(s.imageTransferStatus()).isEqualTo(ImageTransferStatus.IMAGE_ACTIVATION_FAILED.ordinal());
    }

    @Test
    void transferResumesOnALaterConnection() throws Exception {
        MeterSpec meter = fixture.meter("corvus-c3"); // HDLC, 128-byte blocks
        byte[] image = image(1_000);
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSImageTransfer it = imageTransfer(c);
            assertThat(it.getImageBlockSize()).isEqualTo(128);
            c.send(it.imageTransferInitiate(c.client, "CRV-C3-3.1.0", image.length));
            for (int block = 0; block < 3; block++) {
                sendBlock(c, it, image, block);
            }
        }
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSImageTransfer it = imageTransfer(c);
            c.send(it.imageTransferInitiate(c.client, "CRV-C3-3.1.0", image.length)); // same image: resume
            c.read(it, 4);
            assertThat(it.getImageFirstNotTransferredBlockNumber()).isEqualTo(3);
            for (int block = 3; block < 8; block++) {
                sendBlock(c, it, image, block);
            }
            c.send(it.imageVerify(c.client));
            c.read(it, 7);
            assertThat(it.getImageActivateInfo()).singleElement()
                    .satisfies(i -> assertThat(i.getSize()).isEqualTo(1_000));
            c.send(it.imageActivate(c.client));
        }
        MeterSnapshot s = fixture.simulator.meterState(meter.meterId());
        assertThat(s.firmwareVersion()).isEqualTo("CRV-C3-3.1.0");
        assertThat(s.flashWrites()).isEqualTo(8);
    }

    @Test
    void publicClientCannotStartATransfer() throws Exception {
        MeterSpec meter = fixture.meter("aurora-ax1");
        long writes = fixture.simulator.meterState(meter.meterId()).flashWrites();
        try (TestClient c = TestClient.publicClient(meter).associate()) {
            GXDLMSImageTransfer it = imageTransfer(c);
            assertThatThrownBy(() -> c.send(it.imageTransferInitiate(c.client, "AUR-AX1-9.9.9", 100)))
                    .isInstanceOfSatisfying(GXDLMSException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.READ_WRITE_DENIED.getValue()));
        }
        assertThat(fixture.simulator.meterState(meter.meterId()).flashWrites()).isEqualTo(writes);
    }

    private static void transferAndActivate(MeterSpec meter, String identifier, byte[] image) throws Exception {
        try (TestClient c = TestClient.lls(meter).associate()) {
            GXDLMSImageTransfer it = imageTransfer(c);
            c.send(it.imageTransferInitiate(c.client, identifier, image.length));
            c.send(it.imageBlockTransfer(c.client, image, null));
            c.send(it.imageVerify(c.client));
            c.send(it.imageActivate(c.client));
            c.release();
        }
    }

    private static void sendBlock(TestClient c, GXDLMSImageTransfer it, byte[] image, int block) throws Exception {
        c.send(c.client.method(it, 2, it.getImageBlocks(image).get(block), DataType.ARRAY));
    }

    private static GXDLMSImageTransfer imageTransfer(TestClient c) throws Exception {
        GXDLMSImageTransfer it = new GXDLMSImageTransfer(CosemObjects.IMAGE_TRANSFER);
        c.read(it, 2);
        return it;
    }

    private static byte[] image(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
