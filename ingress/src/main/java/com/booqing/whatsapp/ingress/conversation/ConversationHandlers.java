package com.booqing.whatsapp.ingress.conversation;

import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.Paging;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.message.MessageReader;
import com.booqing.whatsapp.ingress.message.MessageView;
import io.javalin.http.Context;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /api/whatsapp/conversations/{tenantId}} and
 * {@code GET /api/whatsapp/conversations/{tenantId}/{phone}/messages}, newest first, paged.
 */
public final class ConversationHandlers {
    /** Phone numbers, WhatsApp ids and lids: never ':' or '*', which would reach into other keys. */
    private static final Pattern PHONE = Pattern.compile("[A-Za-z0-9+@._-]{1,64}");

    private final ConversationReader conversations;
    private final MessageReader messages;

    public ConversationHandlers(ConversationReader conversations, MessageReader messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    public void list(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        Paging paging = Paging.from(ctx);
        ConversationReader.Page<ConversationView> page = conversations.conversations(tenantId, paging);
        ctx.json(new ConversationList(tenantId, paging.limit(), paging.offset(), page.total(), page.items()));
    }

    public void messages(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        String phone = ctx.pathParam("phone");
        if (!PHONE.matcher(phone).matches()) {
            throw ApiException.badRequest("phone must be 1-64 letters, digits, '+', '@', '.', '_' or '-'");
        }
        Paging paging = Paging.from(ctx);
        ConversationReader.Page<String> ids = conversations.messageIds(tenantId, phone, paging);
        ctx.json(new MessageList(tenantId, RedisKeys.conversationId(tenantId, phone), phone, paging.limit(),
                paging.offset(), ids.total(), messages.findAll(tenantId, ids.items())));
    }

    /** @param total conversations listed for the tenant, including any whose data has expired */
    public record ConversationList(String tenantId, int limit, int offset, long total,
                                   List<ConversationView> conversations) {
    }

    /** @param total message ids listed for the conversation, including any whose data has expired */
    public record MessageList(String tenantId, String conversationId, String phone, int limit, int offset, long total,
                              List<MessageView> messages) {
    }
}
