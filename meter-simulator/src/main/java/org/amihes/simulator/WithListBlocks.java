package org.amihes.simulator;

import gurux.dlms.GXDLMSSettings;
import gurux.dlms.enums.ErrorCode;
import gurux.dlms.enums.Priority;
import gurux.dlms.enums.ServiceClass;
import gurux.dlms.secure.GXCiphering;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;

/**
 * Sends a GET-with-list answer that does not fit one PDU by block transfer (IEC 62056-5-3, Green Book: service
 * specific block transfer with GET), for one association:
 * <pre>
 * Get-Response-With-Datablock ::= C4 02, invoke-id-and-priority, DataBlock-G
 * DataBlock-G ::= last-block BOOLEAN, block-number Unsigned32, result CHOICE { raw-data [0] OCTET STRING, ... }
 * </pre>
 * The raw data of all blocks together is the list result, the item count and each item's Get-Data-Result, as one
 * Get-Response-With-List would carry it. Blocks are numbered from 1; the client asks for block n + 1 with
 * GET-request-next carrying n, the number of the last block it received.
 *
 * <p>Gurux 4.0.47's server cannot send such an answer (its own blocks for a list are malformed and it keeps no
 * rest), but it still parses and deciphers every request, keeps the HDLC sequence numbers and the invocation
 * counters, and answers each request with a frame. So it answers the list with a short placeholder
 * ({@link WithListAnswers}), and a GET-request-next whose block number it accepts (its block counter is restarted
 * at 1 when a transfer starts) with an empty frame, as it has no transfer of its own. This class puts the blocks
 * into those frames ({@link ReplyApdu}): framed as Gurux framed them and ciphered as Gurux ciphered the placeholder
 * (the same ciphered APDU tag and security control byte; block 1 under the placeholder's invocation counter, each
 * later block under the next one). One block per frame: on HDLC a block fits one frame's information field, so the
 * link layer never segments it. A wrong block number ends the transfer with data-access-result
 * data-block-number-invalid; any other request ends it too.
 */
final class WithListBlocks {

    private static final System.Logger LOG = System.getLogger(WithListBlocks.class.getName());
    private static final int GET_RESPONSE = 0xC4;
    private static final int WITH_LIST = 3;
    private static final int WITH_DATABLOCK = 2;
    private static final int LLC = 3;
    /** C4 02, invoke-id, last-block, block-number (4), raw-data choice, length (up to 3) */
    private static final int BLOCK_HEADER = 2 + 1 + 1 + 4 + 1 + 3;

    private final VendorProfile.Framing framing;
    private final GXDLMSSettings settings;
    private final GXCiphering ciphering;
    private byte[] result;
    private int sent;
    private long blockNumber;
    private boolean starting;
    /** how Gurux ciphered the list's placeholder answer: every block is ciphered the same way; null when plain */
    private ReplyApdu.Protection protection;

    WithListBlocks(VendorProfile.Framing framing, GXDLMSSettings settings, GXCiphering ciphering) {
        this.framing = framing;
        this.settings = settings;
        this.ciphering = ciphering;
    }

    /** A list answer too long for one PDU: {@code result} is its count and Get-Data-Results, encoded. */
    void start(byte[] listResult) {
        result = listResult;
        sent = 0;
        blockNumber = 0;
        starting = true;
        settings.setStartingPacketIndex(1); // restarts Gurux's block counter, which checks GET-request-next
    }

    /** Gurux's answer frame, or a block in its place while a transfer is under way. */
    byte[] rewrite(byte[] frame) {
        if (result == null) {
            return frame;
        }
        try {
            ReplyApdu reply = ReplyApdu.open(frame, framing, ciphering);
            if (reply == null) {
                // an HDLC frame that answers no request (e.g. receive-ready) leaves the transfer as it is
                return framing == VendorProfile.Framing.HDLC && !isInformationFrame(frame) ? frame : abandon(frame);
            }
            byte[] apdu = reply.plaintext();
            if (starting) {
                // Gurux's placeholder for the list: C4 03, invoke-id-and-priority, items; block 1 takes its place
                starting = false;
                if (apdu.length < 3 || (apdu[0] & 0xFF) != GET_RESPONSE || apdu[1] != WITH_LIST) {
                    return abandon(frame);
                }
                protection = reply.protection();
                return reply.with(nextBlock(apdu[2] & 0xFF, reply.protection()));
            }
            if (apdu.length == 0) {
                // Gurux accepted GET-request-next's block number and, having no transfer of its own, sent nothing;
                // it did not cipher, so the block takes the association's next invocation counter
                ReplyApdu.Protection by = null;
                if (protection != null) {
                    long ic = ciphering.getInvocationCounter();
                    ciphering.setInvocationCounter(ic + 1);
                    by = protection.withInvocationCounter(ic);
                }
                return reply.with(nextBlock(invokeIdAndPriority(), by), by);
            }
            if (apdu.length >= 3 && (apdu[0] & 0xFF) == GET_RESPONSE && apdu[1] == WITH_DATABLOCK
                    && (apdu[apdu.length - 1] & 0xFF) == ErrorCode.DATA_BLOCK_NUMBER_INVALID.getValue()) {
                result = null; // Gurux's refusal of a wrong block number lacks last-block and block-number
                return reply.with(refusal(apdu[2] & 0xFF, ErrorCode.DATA_BLOCK_NUMBER_INVALID.getValue()));
            }
            return abandon(frame); // the client went on with another request
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot put a data block in Gurux's answer; the list transfer ends", e);
            return abandon(frame);
        }
    }

    private static boolean isInformationFrame(byte[] frame) {
        int control = Frames.hdlcControl(frame);
        return control >= 0 && (frame[control] & 1) == 0;
    }

    /** As the client sent it in its last request (Green Book: invoke id bits 0-3, service class 6, priority 7). */
    private int invokeIdAndPriority() {
        return settings.getInvokeID() | (settings.getServiceClass() == ServiceClass.CONFIRMED ? 0x40 : 0)
                | (settings.getPriority() == Priority.HIGH ? 0x80 : 0);
    }

    private byte[] abandon(byte[] frame) {
        result = null;
        return frame;
    }

    private byte[] nextBlock(int invokeId, ReplyApdu.Protection by) {
        int room = settings.getMaxPduSize();
        if (framing == VendorProfile.Framing.HDLC) {
            room = Math.min(room, settings.getHdlcSettings().getMaxInfoTX() - LLC);
        }
        room -= BLOCK_HEADER + (by == null ? 0 : by.overhead());
        int length = Math.min(room, result.length - sent);
        boolean last = sent + length == result.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(GET_RESPONSE);
        out.write(WITH_DATABLOCK);
        out.write(invokeId);
        out.write(last ? 1 : 0);
        blockNumber++;
        out.writeBytes(new byte[] {(byte) (blockNumber >> 24), (byte) (blockNumber >> 16), (byte) (blockNumber >> 8),
            (byte) blockNumber});
        out.write(0); // raw-data
        ReplyApdu.writeLength(out, length);
        out.write(result, sent, length);
        sent += length;
        if (last) {
            result = null;
        }
        return out.toByteArray();
    }

    /** last-block TRUE, the last block number sent, data-access-result {@code error}. */
    private byte[] refusal(int invokeId, int error) {
        byte[] apdu = {(byte) GET_RESPONSE, WITH_DATABLOCK, (byte) invokeId, 1, 0, 0, 0, 0, 1, (byte) error};
        apdu[4] = (byte) (blockNumber >> 24);
        apdu[5] = (byte) (blockNumber >> 16);
        apdu[6] = (byte) (blockNumber >> 8);
        apdu[7] = (byte) blockNumber;
        return apdu;
    }
}
