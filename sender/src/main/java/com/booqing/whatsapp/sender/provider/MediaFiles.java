package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.message.MessageContent;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Media as WAHA and Evolution API take it: a public URL plus a MIME type and a file name. Neither can send a
 * Cloud API media id, and both want a MIME type, which is guessed from the URL's extension when the command has none.
 */
final class MediaFiles {
    static final String OPUS = "audio/ogg; codecs=opus";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"),
            Map.entry("mp4", "video/mp4"), Map.entry("3gp", "video/3gpp"), Map.entry("mov", "video/quicktime"),
            Map.entry("ogg", OPUS), Map.entry("opus", OPUS), Map.entry("oga", OPUS),
            Map.entry("mp3", "audio/mpeg"), Map.entry("m4a", "audio/mp4"), Map.entry("aac", "audio/aac"),
            Map.entry("amr", "audio/amr"),
            Map.entry("pdf", "application/pdf"), Map.entry("txt", "text/plain"), Map.entry("csv", "text/csv"),
            Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("ppt", "application/vnd.ms-powerpoint"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("zip", "application/zip"));
    private static final Map<String, String> BY_KIND = Map.of("image", "image/jpeg", "video", "video/mp4",
            "audio", "audio/mpeg", "document", "application/octet-stream");

    private MediaFiles() {
    }

    static String url(MessageContent.Media media, String provider) throws InvalidContentException {
        String url = media.url();
        if (url == null || url.isBlank()) {
            throw new InvalidContentException(provider + " sends " + media.kind()
                    + " only from a public URL; a media id works only on the Cloud API");
        }
        if (!url.startsWith("https://") && !url.startsWith("http://")) {
            throw new InvalidContentException(media.kind() + " URL must be http(s)");
        }
        return url;
    }

    static String mimeType(MessageContent.Media media) {
        if (media.mimeType() != null && !media.mimeType().isBlank()) {
            return media.mimeType();
        }
        String guessed = BY_EXTENSION.get(extension(fileName(media)));
        return guessed != null ? guessed : BY_KIND.getOrDefault(media.kind(), "application/octet-stream");
    }

    /** The document's own file name, else the last segment of the URL's path, else the kind. */
    static String fileName(MessageContent.Media media) {
        if (media instanceof MessageContent.Document d && d.filename() != null && !d.filename().isBlank()) {
            return d.filename();
        }
        try {
            String path = media.url() == null ? null : URI.create(media.url()).getPath();
            if (path != null) {
                String last = path.substring(path.lastIndexOf('/') + 1);
                if (!last.isBlank()) {
                    return last;
                }
            }
        } catch (IllegalArgumentException e) {
            // an unparseable URL gets the generic name below; the provider will judge the URL itself
        }
        return media.kind();
    }

    private static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
