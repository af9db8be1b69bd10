"""FAQ and policy documents of the demo shop, one Chinese and one English version per topic.

The facts are the same in both languages wherever the markets allow (7-day no-reason returns,
15-day quality exchanges, 7-day price protection...); money amounts are in 元 for the Chinese store
(mainland China) and in $ for the English store (United States).
"""

from __future__ import annotations

# (topic, kind, zh title, zh body, en title, en body)
DOCS: list[tuple[str, str, str, str, str, str]] = [
    ("returns", "policy",
     "7天无理由退货政策",
     "自签收之日起7天内（含第7天），商品保持完好（未使用、吊牌和包装齐全、配件赠品齐全）即可申请7天无理由退货。"
     "以下商品不支持7天无理由退货：生鲜水果、已拆封的食品和茶叶、已拆封的护肤美妆产品、已使用的个人护理电器（电动牙刷、剃须刀等）、贴身衣物以及定制商品。"
     "无理由退货的寄回运费由买家承担；因质量问题或发错货导致的退货，运费由本店承担并提供免费上门取件。"
     "申请路径：我的订单 > 选择商品 > 申请售后 > 退货退款。",
     "Returns policy: 7-day no-reason returns",
     "You can return most items for any reason within 7 days of delivery, as long as they are unused, with tags, "
     "original packaging, accessories and free gifts included. Not eligible for no-reason returns: fresh fruit, opened "
     "food and tea, opened skin care and beauty products, used personal care appliances (electric toothbrushes, shavers), "
     "intimate apparel and personalized items. For no-reason returns the return shipping is paid by the customer; if the "
     "item is defective or we sent the wrong item, we pay return shipping and email you a prepaid label. "
     "Start a return from My Orders > select the item > Request return."),
    ("exchange", "policy",
     "质量问题换货与尺码换货",
     "自签收之日起15天内，商品出现非人为的性能故障，可选择退货或换货，来回运费由本店承担。"
     "服装鞋靴类商品在签收后7天内，可享受一次免费换尺码服务（同款不同尺码或颜色，需未穿着、吊牌完好），本店提供免费上门取件。"
     "超过15天但仍在保修期内的质量问题，按保修政策提供维修服务。",
     "Exchanges for defects and sizes",
     "If an item develops a defect that was not caused by misuse within 15 days of delivery, you can choose a return or "
     "an exchange and we cover shipping both ways. Clothing and shoes get one free size exchange within 7 days of delivery "
     "(same item, different size or color; unworn with tags attached) with a free pickup. After 15 days, defects are "
     "handled as repairs under the warranty policy."),
    ("refund", "policy",
     "退款时效说明",
     "退货商品寄回仓库并验收通过后，48小时内发起退款，款项原路返回。"
     "到账时间：支付宝、微信支付1-3个工作日；银行卡和信用卡3-7个工作日；花呗分期退款后会自动退还对应分期金额。"
     "使用的优惠券在有效期内会退回账户，积分按比例退还。",
     "Refund timing",
     "Once a returned item reaches our warehouse and passes inspection, we issue the refund within 48 hours to the original "
     "payment method. PayPal, Apple Pay and Google Pay refunds arrive in 1-3 business days; credit and debit card refunds "
     "take 3-7 business days. Coupons are returned to your account if still valid, and reward points are refunded "
     "proportionally."),
    ("shipping", "policy",
     "配送范围、运费与时效",
     "本店支持中国大陆地区配送，暂不支持港澳台及海外地址。单笔订单实付满99元包邮，不满99元收取运费8元；新疆、西藏、青海等偏远地区满199元包邮，否则运费20元。"
     "每天16:00前支付的订单当天发货，16:00后支付的次日发货。"
     "配送时效：江浙沪、京津冀、珠三角地区1-2天送达，其他省份2-4天，偏远地区5-8天。"
     "合作快递：手机、电脑等数码产品默认顺丰速运，大家电由京东物流送货上门，其他商品由中通快递或京东物流配送。",
     "Shipping rates and delivery times",
     "We ship to addresses in the United States only (all 50 states; Alaska and Hawaii take 2-3 extra business days). "
     "Standard shipping is free on orders of $35 or more, otherwise $5.99, and takes 3-7 business days. Expedited shipping "
     "(2-3 business days) costs $12.99 and Overnight (next business day) costs $24.99 for orders placed before 1 pm ET. "
     "Orders paid before 1 pm ET on business days leave our warehouse the same day. We ship with UPS, FedEx and USPS; "
     "large appliances are delivered by freight carrier and cannot ship to P.O. boxes."),
    ("order-tracking", "faq",
     "如何查询物流和订单状态？",
     "进入 我的订单 > 订单详情，即可查看快递公司、运单号和实时物流轨迹，也可以把运单号复制到顺丰、京东或中通官网查询。"
     "订单状态说明：待付款（下单后30分钟内未支付将自动取消）、已付款（等待发货）、已发货（可查看预计送达时间）、已签收、已取消、已退货。"
     "如果物流超过3天没有更新，请联系在线客服，我们会帮您向快递公司核实。",
     "How do I track my order?",
     "Open My Orders > Order details to see the carrier, tracking number, live tracking events and the estimated delivery "
     "date. You can also paste the tracking number on the UPS, FedEx or USPS website. Order statuses: Pending (unpaid; "
     "cancelled automatically after 30 minutes), Paid (waiting to ship), Shipped, Delivered, Cancelled and Returned. "
     "If tracking has not updated for 3 days, contact customer service and we will open a trace with the carrier."),
    ("payment", "policy",
     "支付方式与分期付款",
     "支持支付宝、微信支付、银联云闪付以及信用卡（银联、Visa、Mastercard）付款，暂不支持货到付款。"
     "支持花呗分期3期、6期、12期；手机、笔记本电脑、平板电脑单笔实付满2000元可享3期和6期免息。"
     "下单后请在30分钟内完成支付，超时订单将自动取消，库存会释放给其他顾客。",
     "Payment methods and installments",
     "We accept Visa, Mastercard, American Express, Discover, PayPal, Apple Pay and Google Pay. Cash on delivery is not "
     "available. PayPal Pay in 4 lets you split orders between $30 and $1,500 into four interest-free payments. Please "
     "complete payment within 30 minutes of placing an order; unpaid orders are cancelled automatically and the stock is "
     "released. Your card is charged when the order is placed."),
    ("warranty", "policy",
     "各品类保修期说明",
     "手机、平板电脑、笔记本电脑、智能手表、耳机：主机享受1年全国联保，随机附带的充电器和数据线保修6个月。"
     "空气炸锅、电饭煲等小家电：整机保修1年。吸尘器和扫地机器人：整机保修2年。"
     "电热水器：整机保修3年，内胆保修8年；燃气热水器：整机保修3年。"
     "个人护理电器（电动牙刷、剃须刀、吹风机）：保修2年。服装鞋靴：30天内出现开胶、脱线等质量问题免费维修或更换。"
     "运动器材保修6个月，帐篷保修1年。图书、食品、护肤品不适用保修，如有破损、印刷错误或变质请在签收后48小时内联系客服处理。"
     "保修凭订单记录即可，无需纸质发票。",
     "Warranty periods by category",
     "Phones, tablets, laptops, smart watches and headphones: 1-year manufacturer warranty on the device; included "
     "chargers and cables are covered for 6 months. Small kitchen appliances such as air fryers and rice cookers: 1 year. "
     "Vacuum cleaners and robot vacuums: 2 years. Water heaters: manufacturer tank and parts warranty, typically 6 years, "
     "plus 1 year of labor if we installed it. Personal care appliances (electric toothbrushes, shavers, hair dryers): "
     "2 years. Clothing and shoes: defects such as sole separation or seam failure within 30 days are repaired or "
     "replaced. Sports equipment: 6 months; tents: 1 year. Books, food and skin care are not covered by a warranty, but "
     "damaged, misprinted or spoiled items reported within 48 hours of delivery are replaced. Your order record is your "
     "proof of purchase."),
    ("invoice", "policy",
     "发票开具说明（电子普通发票与增值税专用发票）",
     "本店默认开具电子普通发票，订单确认收货后24小时内发送至您的邮箱，也可在 订单详情 > 发票 中下载。发票抬头可选个人或单位，单位抬头需填写纳税人识别号。"
     "需要增值税专用发票的企业客户，请在下单时选择“增值税专用发票”，并提供单位名称、纳税人识别号、注册地址、注册电话、开户银行和银行账号；专票在确认收货后7个工作日内开具。"
     "发票金额为实际支付金额，不包含优惠券和积分抵扣部分。订单完成后180天内可申请补开或换开发票；发生退货时，原发票将作废或冲红。",
     "Receipts, invoices and sales tax",
     "A receipt is emailed when your order ships, and a PDF invoice can be downloaded any time from Order details > Invoice. "
     "Sales tax is calculated from the shipping address and shown at checkout. Business customers can add a company name "
     "and, for tax-exempt purchases, upload an exemption certificate under Account > Tax exemption before ordering. "
     "Invoices show the amount actually paid, after coupons and points. Chinese VAT invoices (增值税发票) are only "
     "available for orders shipped within mainland China through our Chinese store."),
    ("order-cancel", "policy",
     "订单取消规则",
     "订单发货前可随时在 我的订单 中自助取消，已支付的款项在24小时内原路退回。"
     "未支付订单在下单30分钟后自动取消。订单一旦发货将无法取消，您可以拒收包裹，或在签收后按7天无理由退货政策申请退货。"
     "预售商品的定金不予退还，尾款未支付时订单自动关闭。",
     "Cancelling an order",
     "You can cancel an order yourself from My Orders at any time before it ships; paid amounts are refunded to the "
     "original payment method within 24 hours. Unpaid orders are cancelled automatically after 30 minutes. Once an order "
     "has shipped it can no longer be cancelled: refuse the delivery, or return the item after delivery under the 7-day "
     "returns policy. Deposits on pre-orders are non-refundable."),
    ("price-protection", "policy",
     "价格保护（价保）规则",
     "自支付之日起7天内，如本店同一商品（同一SKU）降价，可在 订单详情 > 申请价保 中申请退还差价，差价原路退回。"
     "以下情况不支持价保：秒杀、拼团、清仓商品，因使用优惠券、积分或会员折扣导致的价格差异，以及赠品。每件商品限申请一次。",
     "Price protection",
     "If the price of the same item (same SKU) drops in our store within 7 days of your payment, request the difference "
     "from Order details > Price protection and we refund it to your original payment method. Not covered: flash sales, "
     "group deals, clearance items, differences caused by coupons, points or member discounts, and free gifts. One request "
     "per item."),
    ("membership", "faq",
     "会员积分怎么获得和使用？",
     "每实付1元获得1积分，100积分可抵扣1元，单笔订单最多抵扣实付金额的50%。积分有效期至获得次年的12月31日。"
     "PLUS会员年费99元，享受全场包邮（不限金额）、每月5张运费券以及专属客服通道。",
     "How do reward points work?",
     "You earn 1 point for every $1 you pay, and 100 points are worth $1 off, up to 50% of an order's value. Points "
     "expire on December 31 of the year after you earn them. ShopMind Plus costs $49 a year and includes free Expedited "
     "shipping on every order, free return shipping and a priority support line."),
    ("coupons", "faq",
     "优惠券使用规则",
     "每笔订单限使用一张店铺优惠券，可与品类券叠加使用。优惠券不可兑换现金，不可找零。"
     "使用优惠券的订单发生退货时，若优惠券仍在有效期内将退回账户，已过期的不再补发。部分秒杀和清仓商品不可使用优惠券。",
     "Using coupons",
     "One store coupon can be applied per order and can be combined with one category coupon. Coupons have no cash value "
     "and do not give change. If you return an order that used a coupon, the coupon is restored if it is still valid. "
     "Coupons cannot be used on some flash-sale and clearance items."),
    ("installation", "faq",
     "热水器等大家电如何预约安装？",
     "电热水器和燃气热水器提供免费基础安装。签收后在 订单详情 > 预约安装 中选择时间，安装师傅会在24小时内电话联系您。"
     "辅材需另外收费，按统一价格表收取：角阀30元/个，混水阀150元/个，燃气热水器加长烟管每米50元，请以师傅出示的价目表为准。"
     "安装前请确认墙体为承重墙，燃气热水器需由有资质的师傅安装，切勿自行安装。",
     "How do I book installation for a water heater?",
     "Professional installation of water heaters is available for $199 in the New York, Los Angeles, Chicago, Seattle and "
     "San Francisco Bay areas; add it at checkout or from Order details > Book installation after delivery, and a "
     "licensed installer calls you within 24 hours. Parts such as expansion tanks and new supply lines are billed "
     "separately at the installer's posted prices. Gas water heaters must be installed by a licensed professional."),
    ("size-guide", "faq",
     "服装鞋靴尺码怎么选？",
     "上衣参考尺码：S（160/84A）、M（165/88A）、L（170/92A）、XL（175/96A）、XXL（180/100A）。"
     "鞋码对照：39码=脚长245mm=美码男6.5，40码=250mm=美码7，41码=255mm=美码8，42码=260mm=美码8.5，43码=270mm=美码9.5，44码=275mm=美码10。"
     "竞速跑鞋鞋楦偏窄，脚宽或脚背高的顾客建议选大半码。仍不确定时可联系客服，签收7天内可免费换一次尺码。",
     "Size guide for clothing and shoes",
     "Tops by chest size: S 35-37 in, M 38-40 in, L 41-43 in, XL 44-46 in, XXL 47-49 in. Men's shoes by foot length: "
     "US 7 = 25 cm, US 8 = 26 cm, US 9 = 27 cm, US 10 = 28 cm, US 11 = 29 cm; women's US sizes are 1.5 larger than men's "
     "for the same foot (men's 7 = women's 8.5). Racing shoes fit narrow, so wide feet should go up half a size. "
     "Not sure? Clothing and shoes get one free size exchange within 7 days of delivery."),
    ("customer-service", "faq",
     "如何联系客服？",
     "在线客服服务时间为每天9:00-22:00（北京时间），可在商品页或订单页点击“联系客服”。"
     "客服热线：400-820-1234（9:00-21:00），邮箱：service@shopmind.example，邮件一般在1个工作日内回复。",
     "How do I contact customer service?",
     "Live chat is open every day from 8 am to 10 pm Eastern Time from any product or order page. You can also call "
     "1-800-555-0123 (9 am to 9 pm ET) or email support@shopmind.example; we answer emails within one business day."),
    ("damaged-items", "faq",
     "收到商品破损、少件或发错货怎么办？",
     "请在签收后48小时内联系客服，并提供外包装、商品破损处和快递面单的照片。核实后我们将为您免费补发或全额退款，无需寄回破损商品（大件商品除外）。"
     "建议贵重商品当面验货后再签收。",
     "What if my item arrives damaged, incomplete or wrong?",
     "Contact us within 48 hours of delivery with photos of the box, the damage and the shipping label. Once confirmed we "
     "send a free replacement or issue a full refund, usually without asking you to send the damaged item back (except "
     "large items). For valuable items we recommend checking the package when the courier is present."),
    ("fresh-food", "policy",
     "生鲜水果售后规则（坏果包赔）",
     "生鲜水果不支持7天无理由退货。签收后24小时内如发现坏果、烂果，请拍照（含坏果与外箱）联系客服，按坏果比例退款或补发。"
     "水果采用顺丰冷链配送，下单后48小时内发货，暂不配送新疆、西藏、青海等偏远地区。收到后请及时冷藏，尽快食用。",
     "Fresh fruit guarantee",
     "Fresh fruit cannot be returned under the no-reason returns policy. If any fruit arrives bruised or spoiled, send us "
     "a photo within 24 hours of delivery and we refund or replace the affected portion. Fruit ships Monday to Wednesday "
     "within 48 hours of ordering, in insulated boxes, so it never sits in a warehouse over the weekend. Refrigerate it on "
     "arrival."),
    ("change-address", "faq",
     "下单后可以修改收货地址吗？",
     "订单发货前可在 订单详情 > 修改地址 中修改一次收货地址；已发货的订单无法在线修改，请联系快递员或客服协助改派，改派可能产生额外运费并延迟送达。",
     "Can I change my shipping address after ordering?",
     "Before the order ships you can change the address once from Order details > Change address. After it ships we can "
     "no longer edit it online; contact customer service and we will ask the carrier to redirect the package, which may "
     "add a fee and delay delivery."),
    ("international", "faq",
     "支持海外或港澳台配送吗？",
     "目前中文商城仅支持中国大陆地址配送，暂不支持港澳台及海外配送。海外顾客可访问英文商城，目前英文商城仅配送美国地址。",
     "Do you ship internationally?",
     "Our English store currently ships to United States addresses only. Our Chinese store ships within mainland China. "
     "We do not ship to other countries yet."),
    ("account", "faq",
     "账号注册、找回密码和注销",
     "使用手机号加短信验证码即可注册和登录。忘记密码可在登录页点击“忘记密码”，通过手机验证码重置。"
     "每个账号最多保存20个收货地址。注销账号请在 设置 > 账号与安全 > 注销账号 中申请，提交后有15天冷静期，期间登录即可撤销；注销后订单记录和积分将无法恢复。",
     "Account sign-up, password reset and deletion",
     "Sign up with your email address and a password, or continue with Apple or Google. Forgot your password? Use "
     "Forgot password on the sign-in page and we email you a reset link valid for 1 hour. You can save up to 20 shipping "
     "addresses. To delete your account go to Settings > Account > Delete account; there is a 15-day grace period during "
     "which signing in cancels the request, after that order history and points are gone for good."),
    ("privacy", "policy",
     "隐私政策摘要",
     "我们收集账号信息、订单和收货信息、浏览与搜索记录以及设备信息，用于完成订单配送、提供个性化推荐和防范欺诈。"
     "您可以在 设置 > 隐私 中关闭个性化推荐，关闭后推荐将仅基于热门商品。浏览记录保存12个月后自动删除。"
     "我们不会出售您的个人信息。您可以申请导出或删除个人信息，我们将在15个工作日内处理。本政策依据《中华人民共和国个人信息保护法》制定。",
     "Privacy policy summary",
     "We collect account details, orders and shipping addresses, browsing and search history, and device information to "
     "deliver orders, personalize recommendations and prevent fraud. You can turn off personalized recommendations in "
     "Settings > Privacy; recommendations are then based on popular items only. Browsing history is deleted automatically "
     "after 12 months. We never sell your personal information. You can request a copy or deletion of your data and we "
     "respond within 15 business days, as required by the California Consumer Privacy Act (CCPA)."),
]
