"""Reply templates in Chinese and English: ``t(key, lang, **values)``."""

from __future__ import annotations

T: dict[str, dict[str, str]] = {
    "greeting": {
        "en": "Hello! I can help with your orders, delivery, returns and refunds, payments, invoices, your account, and our products.",
        "zh": "您好！我可以帮您查询订单、物流、退换货与退款、支付、发票、账户问题，也可以帮您找商品、比较商品。",
    },
    "thanks": {"en": "You're welcome! Anything else I can help with?", "zh": "不客气！还有什么可以帮您？"},
    "bye": {"en": "Goodbye, have a nice day!", "zh": "再见，祝您生活愉快！"},
    "out_of_scope": {
        "en": "Sorry, I can only help with shopping here: orders, delivery, returns, payments, invoices, your account and our products.",
        "zh": "抱歉，我只能回答与本店购物相关的问题：订单、物流、退换货、支付、发票、账户和商品。",
    },
    "clarify": {"en": "Sorry, I'm not sure I understood. Do you mean {options}?", "zh": "抱歉，我不太确定您的意思。您是想{options}？"},
    "or": {"en": " or ", "zh": "还是"},
    "dont_know": {
        "en": "I'm sorry, I couldn't find this in our shop's information, and I don't want to guess.",
        "zh": "抱歉，我在店铺资料里没有找到相关信息，不想随便猜测。",
    },
    "offer_handoff": {
        "en": "Would you like me to pass this to a colleague? Just say \"human\".",
        "zh": "需要的话我可以为您转接人工客服，回复“转人工”即可。",
    },
    "handoff_done": {
        "en": "I've created ticket {ticket} with our conversation, and a colleague will get back to you soon.",
        "zh": "已为您创建工单{ticket}并附上我们的对话记录，人工客服会尽快联系您。",
    },
    "complaint_sorry": {
        "en": "I'm sorry about your experience, and thank you for telling us.",
        "zh": "非常抱歉给您带来不好的体验，感谢您告诉我们。",
    },
    "injection": {
        "en": "I can't follow instructions that change how I work or that ask for other customers' information. I'm happy to help with your own orders, our policies or our products.",
        "zh": "抱歉，我不能执行改变我工作方式或索取其他客户信息的指令。我可以帮您处理您自己的订单，解答店铺政策或商品问题。",
    },
    "harmful": {
        "en": "Sorry, I can't help with that: it could harm someone else or break the law. I'm glad to help with your own account, orders, our policies or our products.",
        "zh": "抱歉，这个请求可能损害他人或违反法律，我不能提供帮助。我很乐意帮您处理您本人的账户、订单，或解答店铺政策和商品问题。",
    },
    "abuse": {
        "en": "I understand this is frustrating, and I'm here to help.",
        "zh": "理解您的心情，我会尽力帮您解决问题。",
    },
    "sign_in": {
        "en": "Please sign in so I can look up your orders; I can only show orders that belong to your account.",
        "zh": "请先登录，我只能查询您本人账户下的订单。",
    },
    "ask_order": {"en": "Which order do you mean? Please give me the order number.", "zh": "请问是哪个订单？请提供订单号。"},
    "order_not_found": {
        "en": "I couldn't find order {order} in your account. Please check the order number.",
        "zh": "在您的账户中没有找到订单{order}，请核对订单号。",
    },
    "no_orders": {"en": "I couldn't find any orders in your account.", "zh": "您的账户下暂时没有订单。"},
    "order_status": {"en": "Order {order} is {status}.", "zh": "订单{order}的状态是：{status}。"},
    "order_items": {"en": "It contains {items}.", "zh": "包含商品：{items}。"},
    "order_placed": {"en": "It was placed on {date}.", "zh": "下单时间是{date}。"},
    "order_shipped": {"en": "It shipped on {date} with {carrier}, tracking number {tracking}.", "zh": "已于{date}由{carrier}发出，运单号{tracking}。"},
    "order_shipped_plain": {"en": "It shipped on {date}.", "zh": "已于{date}发货。"},
    "order_eta": {"en": "The expected delivery date is {date}.", "zh": "预计送达日期是{date}。"},
    "order_delivered": {"en": "It was delivered on {date}.", "zh": "已于{date}签收。"},
    "order_total": {"en": "The order total is {total}.", "zh": "订单金额为{total}。"},
    "order_cancellable": {"en": "It has not shipped yet, so it can still be changed or cancelled.", "zh": "该订单尚未发货，目前仍可修改或取消。"},
    "order_not_cancellable": {"en": "It has already left the warehouse.", "zh": "该订单已经发出。"},
    "policy_intro": {"en": "Here is what our policy says:", "zh": "根据店铺说明："},
    "which_product": {
        "en": "Which product do you mean? Please tell me its name or model.",
        "zh": "请问您指的是哪件商品？请告诉我商品名称或型号。",
    },
    "price": {"en": "The {title} costs {price}.", "zh": "{title}的价格是{price}。"},
    "in_stock": {"en": "It is in stock ({stock} available).", "zh": "目前有货（库存{stock}件）。"},
    "out_of_stock": {"en": "It is currently out of stock.", "zh": "目前暂时缺货。"},
    "attribute": {"en": "{name}: {value}.", "zh": "{name}：{value}。"},
    "no_aspect": {
        "en": "I don't have information about that for the {title}.",
        "zh": "关于{title}的这一点，我没有找到相关资料。",
    },
    "reviews": {"en": "Customers rate it {avg} out of 5 in {n} reviews.", "zh": "共有{n}条评价，平均评分{avg}分（满分5分）。"},
    "reviews_n": {"en": "It has {n} customer reviews.", "zh": "共有{n}条评价。"},
    "review_quote": {"en": "One customer wrote: \"{text}\"", "zh": "有顾客评价：“{text}”"},
    "review_quote_neg": {"en": "A critical review said: \"{text}\"", "zh": "也有顾客提到：“{text}”"},
    "no_reviews": {"en": "There are no customer reviews yet.", "zh": "暂时还没有顾客评价。"},
    "search_intro": {"en": "Here is what I found:", "zh": "为您找到以下商品："},
    "reco_intro": {"en": "You might like:", "zh": "为您推荐："},
    "search_item": {"en": "{title}, {price}, {stock}.", "zh": "{title}，{price}，{stock}。"},
    "search_none": {
        "en": "I couldn't find products matching that. Could you describe it differently?",
        "zh": "没有找到符合条件的商品，您可以换个说法试试。",
    },
    "search_unavailable": {
        "en": "Product search is not available in this shop right now, so I can't look that up.",
        "zh": "本店暂时无法搜索商品，这个问题我查不到。",
    },
    "stock_yes": {"en": "in stock", "zh": "有货"},
    "stock_no": {"en": "out of stock", "zh": "缺货"},
    "stock_unknown": {"en": "stock unknown", "zh": "库存未知"},
    "compare_need_two": {
        "en": "Which two products would you like to compare? Please name both.",
        "zh": "请问要比较哪两件商品？请告诉我两件商品的名称或型号。",
    },
    "compare_intro": {"en": "Comparing {a} and {b}:", "zh": "{a}与{b}对比："},
    "compare_price": {"en": "Price: {a} vs {b}.", "zh": "价格：{a} 对比 {b}。"},
    "compare_attr": {"en": "{name}: {a} vs {b}.", "zh": "{name}：{a} 对比 {b}。"},
    "compare_rating": {"en": "Average rating: {a} vs {b}.", "zh": "平均评分：{a} 对比 {b}。"},
}

STATUS: dict[str, dict[str, str]] = {
    "pending": {"en": "pending payment", "zh": "待付款"},
    "paid": {"en": "paid and being prepared for shipping", "zh": "已付款，待发货"},
    "shipped": {"en": "shipped", "zh": "已发货"},
    "delivered": {"en": "delivered", "zh": "已签收"},
    "cancelled": {"en": "cancelled", "zh": "已取消"},
    "returned": {"en": "returned", "zh": "已退货"},
    "refunded": {"en": "refunded", "zh": "已退款"},
}

#: how a clarifying question names each intent
INTENT_NAMES: dict[str, dict[str, str]] = {
    "cancel_order": {"en": "cancel an order", "zh": "取消订单"},
    "change_order": {"en": "change an order", "zh": "修改订单"},
    "place_order": {"en": "place an order", "zh": "下单购买"},
    "track_order": {"en": "track an order", "zh": "查询订单物流"},
    "check_cancellation_fee": {"en": "know the cancellation fee", "zh": "了解取消费用"},
    "contact_customer_service": {"en": "contact customer service", "zh": "联系客服"},
    "contact_human_agent": {"en": "talk to a person", "zh": "转人工客服"},
    "delivery_options": {"en": "know the delivery options", "zh": "了解配送方式"},
    "delivery_period": {"en": "know the delivery time", "zh": "了解送达时间"},
    "complaint": {"en": "make a complaint", "zh": "投诉"},
    "review": {"en": "leave a review", "zh": "发表评价"},
    "check_invoice": {"en": "see an invoice", "zh": "查看发票"},
    "get_invoice": {"en": "get an invoice", "zh": "开发票"},
    "newsletter_subscription": {"en": "manage the newsletter", "zh": "管理邮件订阅"},
    "check_payment_methods": {"en": "know the payment methods", "zh": "了解支付方式"},
    "payment_issue": {"en": "solve a payment problem", "zh": "解决支付问题"},
    "check_refund_policy": {"en": "know the return policy", "zh": "了解退货政策"},
    "get_refund": {"en": "get a refund", "zh": "申请退款"},
    "track_refund": {"en": "check a refund", "zh": "查询退款进度"},
    "change_shipping_address": {"en": "change the shipping address", "zh": "修改收货地址"},
    "set_up_shipping_address": {"en": "add a shipping address", "zh": "添加收货地址"},
    "create_account": {"en": "create an account", "zh": "注册账号"},
    "delete_account": {"en": "delete your account", "zh": "注销账号"},
    "edit_account": {"en": "edit your account", "zh": "修改账户信息"},
    "recover_password": {"en": "reset your password", "zh": "找回密码"},
    "registration_problems": {"en": "fix a sign-up problem", "zh": "解决注册问题"},
    "switch_account": {"en": "switch accounts", "zh": "切换账号"},
    "product_question": {"en": "ask about a product", "zh": "咨询商品信息"},
    "product_search": {"en": "find a product", "zh": "查找商品"},
    "recommendation_request": {"en": "get a recommendation", "zh": "获取推荐"},
    "compare_products": {"en": "compare products", "zh": "比较商品"},
    "chit_chat": {"en": "just chat", "zh": "随便聊聊"},
    "out_of_scope": {"en": "ask something else", "zh": "咨询其他问题"},
}

ATTR_NAMES: dict[str, str] = {
    "battery_hours": "Battery (hours)", "noise_cancelling": "Noise cancelling", "weight_g": "Weight (g)",
    "weight_kg": "Weight (kg)", "screen_in": "Screen (inches)", "ram_gb": "RAM (GB)", "storage_gb": "Storage (GB)",
    "touch_screen": "Touch screen", "backlit_keyboard": "Backlit keyboard", "waterproof": "Waterproof",
}


def t(key: str, lang: str, **values: object) -> str:
    """Template ``key`` in ``lang`` ("zh" or "en"; anything else reads as English)."""
    entry = T[key]
    return entry.get(lang, entry["en"]).format(**values)


def attr_name(key: str) -> str:
    return ATTR_NAMES.get(key, key.replace("_", " ").capitalize() if key.isascii() else key)
