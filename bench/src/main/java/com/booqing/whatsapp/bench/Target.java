package com.booqing.whatsapp.bench;

/** Where a phase sends, and the pre-built requests it rotates through. */
record Target(String name, String host, int port, byte[][] requests) {
}
