package org.amihes.dlms.capture;

/** Sees the bytes of one link as they go out and come in, on the link's context; must not block. */
public interface LinkTap {

    void sent(byte[] bytes);

    void received(byte[] bytes);

    /** Once, when the link closes (either side). */
    void closed();
}
