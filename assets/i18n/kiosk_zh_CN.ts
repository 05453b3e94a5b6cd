<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>BalanceScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="54" />
        <source>Hello, %1</source>
        <translation>您好，%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="55" />
        <source>Your points</source>
        <translation>您的积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="57" />
        <source>Start shopping</source>
        <translation>开始兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="58" />
        <source>Services and vouchers</source>
        <translation>服务与抵扣</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="59" />
        <source>Donate points</source>
        <translation>捐积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="60" />
        <source>My records</source>
        <translation>我的记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="61" />
        <source>Leave</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>CartScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="73" />
        <source>%1 points each</source>
        <translation>每件 %1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="86" />
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="90" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="103" />
        <source>Your cart</source>
        <translation>购物车</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="108" />
        <source>The cart is empty.</source>
        <translation>购物车是空的。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="110" />
        <source>Total: %1 points</source>
        <translation>合计：%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="111" />
        <source>Your points: %1</source>
        <translation>您的积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="112" />
        <source>Left after: %1 points</source>
        <translation>兑换后剩余：%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="116" />
        <source>Keep shopping</source>
        <translation>继续选购</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="117" />
        <source>Next: confirm</source>
        <translation>下一步：确认</translation>
    </message>
</context>
<context>
    <name>CatalogueScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="130" />
        <source>Health</source>
        <translation>健康</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="131" />
        <source>Culture and leisure</source>
        <translation>文化休闲</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="132" />
        <source>Growth and education</source>
        <translation>成长教育</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="133" />
        <source>Daily life</source>
        <translation>日常生活</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="134" />
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="135" />
        <source>Donate</source>
        <translation>爱心捐赠</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="145" />
        <source>Your points: %1</source>
        <translation>您的积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="146" />
        <source>In cart: %1 points</source>
        <translation>已选：%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="147" />
        <source>Left after: %1</source>
        <translation>兑换后剩余：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="150" />
        <source>View cart (%1)</source>
        <translation>查看购物车（%1）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="152" />
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="53" />
        <source>Please check your exchange</source>
        <translation>请核对兑换内容</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="57" />
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="58" />
        <source>Points left after: %1</source>
        <translation>兑换后剩余积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="60" />
        <source>Exchanging and printing your receipt…</source>
        <translation>正在兑换并打印小票，请稍候……</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="63" />
        <source>Exchange now</source>
        <translation>确认兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="64" />
        <source>Change</source>
        <translation>返回修改</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="44" />
        <source>Done! Please take your receipt.</source>
        <translation>兑换成功！请取走小票。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="45" />
        <source>Done! Your exchange went through.</source>
        <translation>兑换成功！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="46" />
        <source>Points left</source>
        <translation>剩余积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="49" />
        <source>The receipt could not be printed this time. Nothing is wrong with your exchange: please ask staff to print it again.</source>
        <translation>这次小票没有打印出来。您的兑换已经成功，请联系工作人员补打小票。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="52" />
        <source>Thank you for volunteering!</source>
        <translation>感谢您的志愿服务！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="53" />
        <source>Finish</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>IdleScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="75" />
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="84" />
        <source>Exchange your volunteer points for everyday goods</source>
        <translation>用志愿服务积分兑换生活用品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="85" />
        <source>1. Tap your card on the reader, or show your QR code</source>
        <translation>① 在读卡器上刷卡，或出示二维码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="86" />
        <source>2. Pick what you need</source>
        <translation>② 选择需要的物品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="87" />
        <source>3. Confirm and take your receipt</source>
        <translation>③ 确认兑换，取走小票</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="90" />
        <source>On the shelves today</source>
        <translation>今日货架</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="92" />
        <source>Reading your card…</source>
        <translation>正在读卡……</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="94" />
        <source>Tap your card to start</source>
        <translation>请刷卡开始</translation>
    </message>
</context>
<context>
    <name>ItemTile</name>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="52" />
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="55" />
        <source>Out of stock</source>
        <translation>已兑完</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="57" />
        <source>Not enough points</source>
        <translation>积分不足</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="59" />
        <source>Goes to families in need</source>
        <translation>捐给困难家庭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="61" />
        <source>Voucher printed on the receipt</source>
        <translation>凭小票享受服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="63" />
        <source>%1 left</source>
        <translation>剩 %1 件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="65" />
        <source>In cart: %1</source>
        <translation>已选 %1</translation>
    </message>
</context>
<context>
    <name>RecordsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="45" />
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="47" />
        <source>Print again</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="55" />
        <source>My records at this kiosk</source>
        <translation>我在本机的兑换记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="58" />
        <source>Loading…</source>
        <translation>正在加载……</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="60" />
        <source>No exchanges yet.</source>
        <translation>还没有兑换记录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="67" />
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/refused.py" line="34" />
        <source>Sorry, this card cannot be used here</source>
        <translation>抱歉，这张卡暂时不能使用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/refused.py" line="36" />
        <source>Back to the start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>StillThere</name>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="77" />
        <source>Are you still there?</source>
        <translation>您还在吗？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="79" />
        <source>Going back to the start; your cart will be emptied and nothing is exchanged.</source>
        <translation>即将返回首页，购物车会清空，不会扣积分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="81" />
        <source>I'm still here</source>
        <translation>我还在</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="42" />
        <source>Larger text</source>
        <translation>大字</translation>
    </message>
</context>
</TS>