package com.booqing.whatsapp.simulator.evolution;

/**
 * Evolution's {@code createJid} (src/utils/createJid.ts): full JIDs pass through; otherwise spaces, "+", "()" and
 * device suffixes go, 18+ digits or a dashed id of 24+ characters become a group, Mexican/Argentinian numbers lose
 * their mobile digit and Brazilian numbers gain or lose the ninth digit, then "@s.whatsapp.net" is appended.
 */
final class Jids {

    private Jids() {
    }

    static String createJid(String number) {
        String n = number.replaceAll(":\\d+", "");
        if (n.contains("@g.us") || n.contains("@s.whatsapp.net") || n.contains("@lid") || n.contains("@broadcast")) {
            return n;
        }
        n = n.replaceAll("\\s", "").replace("+", "").replace("(", "").replace(")", "").split(":")[0].split("@")[0];
        if (n.contains("-") && n.length() >= 24) {
            return n.replaceAll("[^\\d-]", "") + "@g.us";
        }
        n = n.replaceAll("\\D", "");
        if (n.length() >= 18) {
            return n + "@g.us";
        }
        return formatBr(formatMxOrAr(n)) + "@s.whatsapp.net";
    }

    static boolean isGroup(String jid) {
        return jid.endsWith("@g.us");
    }

    private static String formatMxOrAr(String n) {
        if (n.length() >= 2 && (n.startsWith("52") || n.startsWith("54")) && n.length() == 13) {
            return n.substring(0, 2) + n.substring(3);
        }
        return n;
    }

    private static String formatBr(String n) {
        if (n.matches("\\d{2}\\d{2}\\d\\d{8}") && n.startsWith("55")) {
            int ddd = Integer.parseInt(n.substring(2, 4));
            int joker = n.charAt(5) - '0';
            if (joker < 7 || ddd < 31) {
                return n;
            }
            return n.substring(0, 4) + n.substring(5);
        }
        return n;
    }
}
