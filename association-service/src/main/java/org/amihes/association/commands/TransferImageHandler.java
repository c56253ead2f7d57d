package org.amihes.association.commands;

import gurux.dlms.enums.DataType;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ImageBlocks;
import org.amihes.contracts.TransferImage;
import org.amihes.dlms.DlmsSession;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/**
 * {@link TransferImage}: checks image_block_size, image_transfer_initiate (the meter resumes the image it stages and
 * refuses the installed one), reads image_transferred_blocks_status, and sends only the chunk's blocks the meter lacks,
 * one image_block_transfer at a time. So a chunk repeated for any reason (redelivery, a retry after a dropped
 * connection, a restarted campaign) writes to flash only what is missing.
 */
@ApplicationScoped
public class TransferImageHandler implements CommandHandler<TransferImage> {

    @Override
    public Class<TransferImage> commandClass() {
        return TransferImage.class;
    }

    @Override
    public String operation() {
        return "IMAGE_TRANSFER";
    }

    @Override
    public Future<Handled> run(JobContext context, TransferImage command) {
        DlmsSession session = context.session();
        var it = ImageTransferObjects.imageTransfer();
        byte[] chunk = Base64.getDecoder().decode(command.data());
        int blockSize = command.blockSize();
        int chunkBlocks = (chunk.length + blockSize - 1) / blockSize;
        return session.read(it, ImageTransferObjects.BLOCK_SIZE).compose(bs -> {
            int meterBlockSize = ImageTransferObjects.intOf(bs);
            if (meterBlockSize != blockSize) {
                throw new DlmsException(FailureCode.UNEXPECTED_VALUE, "image_block_size is " + meterBlockSize
                        + ", the chunk was cut in blocks of " + blockSize + ": no block sent", session.exchange(), null);
            }
            return session.invoke(it, ImageTransferObjects.INITIATE,
                    ImageTransferObjects.initiate(command.identifier(), command.imageSize()), DataType.ARRAY);
        }).compose(v -> session.read(it, ImageTransferObjects.TRANSFERRED_BLOCKS)).compose(bits -> {
            String have = bitString(bits);
            int[] sent = {0};
            Future<Void> chain = Future.succeededFuture();
            for (int i = 0; i < chunkBlocks; i++) {
                long number = command.firstBlock() + i;
                if (number < have.length() && have.charAt((int) number) == '1') {
                    continue;
                }
                int from = i * blockSize;
                int length = Math.min(blockSize, chunk.length - from);
                chain = chain.compose(x -> session.invoke(it, ImageTransferObjects.BLOCK_TRANSFER,
                        ImageTransferObjects.block(number, chunk, from, length), DataType.ARRAY).map(r -> {
                            sent[0]++;
                            return null;
                        }));
            }
            return chain.compose(x -> session.read(it, ImageTransferObjects.TRANSFERRED_BLOCKS))
                    .compose(after -> session.read(it, ImageTransferObjects.FIRST_NOT_TRANSFERRED).map(first -> {
                        long transferred = bitString(after).chars().filter(c -> c == '1').count();
                        ImageBlocks outcome = new ImageBlocks(command.firstBlock(), chunkBlocks, sent[0], transferred,
                                command.totalBlocks(), ImageTransferObjects.longOf(first), session.bytesOnTheWire());
                        Map<String, Object> audit = new LinkedHashMap<>();
                        audit.put("identifier", command.identifier());
                        audit.put("firstBlock", command.firstBlock());
                        audit.put("chunkBlocks", chunkBlocks);
                        audit.put("sent", sent[0]);
                        audit.put("transferred", transferred);
                        audit.put("totalBlocks", command.totalBlocks());
                        return new Handled(outcome, audit, List.of());
                    }));
        });
    }

    /** image_transferred_blocks_status as '0'/'1' per block (Gurux gives a bit string as text or a GXBitString). */
    static String bitString(Object value) {
        return value == null ? "" : value.toString().replaceAll("[^01]", "");
    }
}
