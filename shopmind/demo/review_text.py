"""Review phrases for the demo shop: per aspect, positive and negative sentences in zh and en.

Each entry is aspect -> (zh positive, zh negative, en positive, en negative). The generator picks
aspects that fit the product kind and a sentiment that fits the rating.
"""

from __future__ import annotations

P = dict[str, tuple[list[str], list[str], list[str], list[str]]]

ASPECTS: P = {
    "battery": (
        ["电池很耐用，重度使用一天下来还剩三成电。", "续航比上一台强太多，两天一充没问题。", "充电速度很快，半小时就能充大半。"],
        ["电池掉电有点快，下午就得找充电器。", "续航没有宣传的那么长，有点失望。"],
        ["Battery life is excellent, I end a heavy day with about 30% left.", "Charges fast and easily lasts two days for me.", "The battery is much better than my previous one."],
        ["Battery drains faster than advertised.", "I have to charge it every afternoon, battery life is disappointing."],
    ),
    "screen": (
        ["屏幕显示细腻，颜色很正，看视频很享受。", "屏幕亮度够高，户外太阳底下也看得清。"],
        ["屏幕有轻微漏光，边角偏黄。", "屏幕太反光了，白天看不太清。"],
        ["The screen is sharp and bright, colors look great.", "Display is readable even in direct sunlight."],
        ["The screen has some backlight bleed in the corners.", "Screen is too reflective outdoors."],
    ),
    "camera": (
        ["拍照效果惊艳，夜景很干净。", "人像模式虚化自然，随手拍都好看。"],
        ["暗光拍照噪点多，不如预期。", "长焦拍出来有点糊。"],
        ["Photos are stunning, night mode is really clean.", "Portrait shots look natural and the zoom is impressive."],
        ["Low-light photos are noisy.", "Zoomed shots come out soft."],
    ),
    "performance": (
        ["运行非常流畅，多开应用也不卡。", "打游戏帧率稳定，发热控制得不错。"],
        ["用久了有点卡顿，打开应用慢。", "玩大型游戏发热明显，会降频。"],
        ["Fast and smooth, no lag with lots of apps open.", "Handles games and heavy apps without breaking a sweat."],
        ["Gets sluggish after a few weeks.", "Heats up and throttles during long gaming sessions."],
    ),
    "sound": (
        ["音质清晰，低音饱满，人声通透。", "听歌很有层次感，这个价位很满意。"],
        ["音质一般，低音发闷。", "高音有点刺耳，听久了耳朵累。"],
        ["Sound quality is great, with rich bass and clear vocals.", "Detailed, balanced sound for the price."],
        ["Sound is muddy and the bass is boomy.", "Treble is harsh, my ears get tired quickly."],
    ),
    "anc": (
        ["降噪效果很好，地铁上瞬间安静了。", "开了降噪，办公室的空调声基本听不到。"],
        ["降噪效果一般，人声还是挡不住。", "开降噪有轻微底噪。"],
        ["Noise cancelling is superb, the subway noise just disappears.", "ANC blocks out the office hum completely."],
        ["Noise cancelling is only average, voices still come through.", "There is a faint hiss when ANC is on."],
    ),
    "comfort": (
        ["佩戴很舒适，戴一整天也不累。", "很轻，几乎感觉不到它的存在。"],
        ["用久了有点不舒服。", "有点重，时间长了不太舒服。"],
        ["Very comfortable, I wear it all day without noticing.", "Lightweight and comfortable for long sessions."],
        ["Gets uncomfortable after an hour or so.", "A bit heavy, not great for long wear."],
    ),
    "tracking": (
        ["GPS定位快，跑步轨迹和配速都很准。", "心率和睡眠监测很准，和医院测的差不多。"],
        ["GPS偶尔漂移，距离偏差有点大。", "心率数据跳得厉害，不太准。"],
        ["GPS locks quickly and my running pace and distance are accurate.", "Heart-rate and sleep tracking are spot on."],
        ["GPS drifts in the city, distances are off.", "Heart-rate readings jump around during intervals."],
    ),
    "keyboard": (
        ["键盘手感很好，键程适中，打字舒服。", "触控板大而灵敏。"],
        ["键盘手感偏软，打字不过瘾。", "触控板偶尔误触。"],
        ["The keyboard is a joy to type on.", "Large, accurate touchpad."],
        ["Keyboard feels mushy.", "The touchpad picks up my palm while typing."],
    ),
    "heat": (
        ["散热不错，长时间使用也不烫手。", "日常办公风扇几乎不转，很安静。"],
        ["风扇噪音大，安静的环境里很明显。", "底部发烫，放腿上用不了。"],
        ["Stays cool and quiet during normal work.", "Thermals are well managed even under load."],
        ["The fans get loud under load.", "The bottom gets too hot to use on my lap."],
    ),
    "cooking": (
        ["做出来的鸡翅外酥里嫩，家人都说好吃。", "煮的米饭软硬适中，粒粒分明。", "薯条不放油也很脆。"],
        ["加热不太均匀，需要中途翻面。", "煮饭底部容易糊。"],
        ["Chicken wings come out crispy outside and juicy inside.", "Rice is cooked perfectly every time.", "Fries get crispy with barely any oil."],
        ["Heating is uneven, I have to shake the basket twice.", "Rice sometimes sticks and burns at the bottom."],
    ),
    "cleaning": (
        ["内胆不粘，清洗很方便。", "拆洗简单，可以放洗碗机。"],
        ["涂层用了两个月就开始掉。", "缝隙多不好清洗。"],
        ["Easy to clean, the nonstick basket wipes right off.", "Parts are dishwasher safe, cleanup is a breeze."],
        ["The nonstick coating started peeling after two months.", "Hard to clean all the corners."],
    ),
    "noise": (
        ["工作声音很小，晚上用也不吵。", "运行噪音比想象中小。"],
        ["噪音有点大，像吹风机一样。", "运行声音太吵了。"],
        ["It runs quietly, I can use it at night.", "Much quieter than I expected."],
        ["It is loud, like a hair dryer.", "Too noisy for an open-plan apartment."],
    ),
    "suction": (
        ["吸力很强，地毯里的宠物毛都吸干净了。", "扫拖效果好，地板干净得发亮。"],
        ["吸力一般，颗粒大一点的就吸不进去。", "避障不太灵，经常被数据线缠住。"],
        ["Suction is powerful, it pulls pet hair out of the carpet.", "Floors are spotless after every run."],
        ["Suction is weak on carpets.", "Obstacle avoidance is poor, it keeps getting stuck on cables."],
    ),
    "heating": (
        ["出热水很快，水温稳定，冬天洗澡很舒服。", "加热速度快，一家三口连续洗澡都够用。"],
        ["水温忽冷忽热，不太稳定。", "加热时间比预期长。"],
        ["Hot water comes fast and the temperature stays steady.", "Plenty of hot water for back-to-back showers."],
        ["Water temperature fluctuates.", "Takes longer to heat up than expected."],
    ),
    "installation": (
        ["安装师傅很专业，准时上门，安装得很规范。", "免费安装，师傅还帮忙把旧机器搬走了。"],
        ["安装师傅迟到，还额外收了材料费。", "预约安装等了好几天。"],
        ["The installer was punctual and professional.", "Installation was straightforward and took under two hours."],
        ["Installation was delayed by several days.", "The installer charged extra for parts I did not expect."],
    ),
    "size": (
        ["尺码标准，按平时的码数买正好。", "版型很好，上身效果和图片一样。"],
        ["尺码偏小，建议买大一码。", "尺码偏大，换了一次才合适。"],
        ["True to size, my usual size fits perfectly.", "Great fit, looks just like the photos."],
        ["Runs small, order a size up.", "Runs large, I had to exchange for a smaller size."],
    ),
    "material": (
        ["面料舒服，洗了几次也不变形不起球。", "做工精细，走线整齐。"],
        ["面料偏薄，有点透。", "洗了一次就起球了。"],
        ["The fabric is soft and holds up well in the wash.", "Well made with neat stitching."],
        ["The fabric is thinner than expected.", "It started pilling after one wash."],
    ),
    "cushioning": (
        ["脚感软弹，跑十公里脚也不累。", "缓震很好，膝盖压力小了很多。"],
        ["中底偏硬，长距离跑有点累脚。", "鞋底不太耐磨，跑了两百公里就磨平了。"],
        ["Cushioning is soft and bouncy, my legs feel fresh after 10k.", "Great support on long runs."],
        ["The midsole feels firm on long runs.", "The outsole wore down after about 200 km."],
    ),
    "warmth": (
        ["很保暖，零下十度穿着也不冷。", "轻薄又暖和，旅行收纳方便。"],
        ["保暖性一般，北方冬天不够用。", "有点钻绒。"],
        ["Very warm for its weight.", "Packs small and keeps me warm on chilly mornings."],
        ["Not warm enough for real winter.", "Feathers poke through the fabric."],
    ),
    "content": (
        ["内容很精彩，一口气读完了。", "写得深入浅出，受益匪浅。", "值得反复阅读的好书。"],
        ["内容有点拖沓，后半部分读不下去。", "翻译生硬，读起来别扭。"],
        ["A page-turner, I finished it in two days.", "Clear, insightful and genuinely useful.", "One of the best books I have read this year."],
        ["The second half drags.", "Too repetitive, the main idea could fit in a blog post."],
    ),
    "print": (
        ["纸张质量好，印刷清晰，是正版。", "包装完好，书角没有磕碰。"],
        ["纸张偏薄，有几页印刷模糊。", "收到时封面有折痕。"],
        ["Good paper and clear print.", "Arrived in perfect condition."],
        ["Print quality is poor on a few pages.", "The cover arrived bent."],
    ),
    "taste": (
        ["味道很好，香气足，回购了好几次。", "口感正宗，家人都爱吃。", "很甜很新鲜，比超市买的好。"],
        ["味道一般，没有想象中好。", "味道偏淡，不太合口味。"],
        ["Tastes great, very fragrant.", "Delicious, the whole family loves it.", "Sweet and fresh, better than the supermarket."],
        ["Taste is just okay.", "The flavor is bland."],
    ),
    "freshness": (
        ["收到时非常新鲜。", "包装严实，冷链发货，收到时一个没坏。"],
        ["有几个坏果，联系客服后补发了。", "临近保质期了，有点不满意。"],
        ["Arrived very fresh.", "Well packed, every piece arrived in perfect shape."],
        ["A few pieces were bruised or spoiled.", "The best-before date was too close."],
    ),
    "skin": (
        ["质地清爽好吸收，不油腻。", "用了两周皮肤明显细腻了。", "敏感肌用着也不刺激。"],
        ["用了有点闷痘。", "对我来说太油了，夏天用不了。"],
        ["Absorbs quickly and feels light.", "My skin is noticeably smoother after two weeks.", "Gentle enough for my sensitive skin."],
        ["It broke me out.", "Too greasy for my oily skin."],
    ),
    "effect": (
        ["效果很明显，用着很顺手。", "坚持用了一个月，能看到变化。"],
        ["效果不明显，用了一个月没什么变化。", "用着一般，没有宣传的效果。"],
        ["Works really well, noticeable results.", "Easy to use and I can see results after a month."],
        ["No noticeable difference after a month.", "Does the job, but nothing special."],
    ),
    "build": (
        ["做工扎实，用料很足。", "手感很好，质感高级。"],
        ["做工粗糙，有毛刺。", "用了不到一个月就坏了。"],
        ["Solid build quality, feels premium.", "Sturdy and well made."],
        ["Build quality feels cheap.", "Broke within a month."],
    ),
    "grip": (
        ["防滑效果好，出汗也不打滑。", "手感好，控制精准。"],
        ["有股橡胶味，放了一周才散。", "用久了表面有磨损。"],
        ["Great grip even when sweaty.", "Feels great in hand with precise control."],
        ["It had a strong rubber smell for a week.", "The surface wore out quickly."],
    ),
    # general aspects, any product
    "delivery": (
        ["物流很快，隔天就到了。", "顺丰发货，包装严实，第二天就收到。", "快递小哥送货上门，服务很好。"],
        ["物流太慢了，等了一周才到。", "快递没有送上门，放在驿站也没通知。"],
        ["Fast delivery, arrived in two days.", "Shipping was quick and the box was well packed."],
        ["Shipping took over a week.", "The package was left at the wrong door."],
    ),
    "price": (
        ["价格实惠，性价比很高。", "赶上活动价入手，很划算。"],
        ["价格偏贵，不太值这个价。", "刚买完就降价了，申请了价保。"],
        ["Great value for the money.", "Got it on sale, a real bargain."],
        ["Overpriced for what you get.", "The price dropped a week after I bought it."],
    ),
    "quality": (
        ["质量很好，是正品。", "做工和质量都没得挑。"],
        ["质量一般，有小瑕疵。", "质量和描述有差距。"],
        ["Excellent quality, clearly genuine.", "Quality is top-notch."],
        ["Quality is mediocre, has small defects.", "Not the quality described on the page."],
    ),
    "service": (
        ["客服回复很及时，耐心解答问题。", "售后很给力，换货很顺利。"],
        ["客服回复慢，问题拖了好几天。", "退货流程太麻烦了。"],
        ["Customer service was quick and helpful.", "Exchange was painless, great support."],
        ["Customer service was slow to reply.", "The return process was a hassle."],
    ),
}

KIND_ASPECTS = {
    "phone": ["battery", "screen", "camera", "performance"],
    "laptop": ["performance", "screen", "keyboard", "heat", "battery"],
    "tablet": ["screen", "battery", "performance", "sound"],
    "headphones": ["sound", "anc", "comfort", "battery"],
    "watch": ["battery", "tracking", "screen", "comfort"],
    "air_fryer": ["cooking", "cleaning", "noise"],
    "rice_cooker": ["cooking", "cleaning"],
    "vacuum": ["suction", "noise", "battery"],
    "water_heater": ["heating", "installation"],
    "shoes": ["cushioning", "size", "comfort"],
    "jacket": ["warmth", "size", "material"],
    "tshirt": ["material", "size"],
    "dress": ["size", "material"],
    "book": ["content", "print"],
    "tea": ["taste", "freshness"],
    "snack": ["taste", "freshness"],
    "fruit": ["taste", "freshness"],
    "skincare": ["skin", "effect"],
    "personal_care": ["effect", "battery", "build"],
    "sports": ["build", "grip"],
    "outdoor": ["build", "grip"],
}
GENERAL = ["delivery", "price", "quality", "service"]

CLOSERS = {
    "zh": {5: ["强烈推荐！", "已经推荐给朋友了。", "会回购的。", "五星好评。"],
           4: ["总体满意。", "整体还不错，推荐。"],
           3: ["中规中矩吧。", "还行，凑合用。"],
           2: ["有点失望。", "不太推荐。"],
           1: ["非常失望，已申请退货。", "差评，不会再买了。"]},
    "en": {5: ["Highly recommend!", "Would buy again.", "Love it."],
           4: ["Overall happy with it.", "Recommended."],
           3: ["It's okay.", "Mixed feelings."],
           2: ["Somewhat disappointed.", "Can't really recommend it."],
           1: ["Returning it.", "Do not buy."]},
}

TITLES_EN = {
    5: ["Excellent", "Love it!", "Exceeded expectations", "Best purchase this year", "Five stars"],
    4: ["Very good", "Solid choice", "Great, with one small issue", "Happy with it"],
    3: ["Decent but not great", "Average", "Okay for the price"],
    2: ["Not impressed", "Expected more", "Meh"],
    1: ["Terrible", "Waste of money", "Broke quickly", "Very disappointed"],
}
TITLES_ZH = {5: ["好评", "非常满意", "值得购买"], 4: ["还不错", "满意"], 3: ["一般"], 2: ["有点失望"], 1: ["差评", "不推荐"]}

AUTHORS_ZH = ["小王同学", "爱跑步的猫", "j***8", "木子李", "一只柠檬", "阿杰", "晴天", "大熊", "z***n",
              "吃货小分队", "北京的张先生", "杭州小美", "程序员老刘", "宝妈一枚", "学生党", "老周",
              "m***3", "风中的鱼", "深圳打工人", "茶客"]
AUTHORS_EN = ["Mike R.", "Sarah K.", "J. Thompson", "Emily", "David L.", "Chris P.", "Anna W.",
              "Runner42", "TechDad", "Laura M.", "Kevin", "Priya S.", "Tom H.", "BookWorm", "Jessica",
              "Carlos G.", "Hannah B.", "Matt", "Olivia T.", "Sam"]
