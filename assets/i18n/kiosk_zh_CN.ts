<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AdminPanel</name>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="146"/>
        <source>Sign out</source>
        <translation>退出管理</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/panel.py" line="149"/>
        <source>Operator: %1</source>
        <translation>管理员：%1</translation>
    </message>
</context>
<context>
    <name>AuditScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/audit_log.py" line="37"/>
        <source>Audit log</source>
        <translation>操作记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_log.py" line="40"/>
        <source>Every operator action, newest first</source>
        <translation>所有管理员操作，最新的在前</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_log.py" line="41"/>
        <source>Show codes and details</source>
        <translation>显示编号和详细信息</translation>
    </message>
</context>
<context>
    <name>AuditWords</name>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="33"/>
        <source>Restocked</source>
        <translation>入库</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="33"/>
        <source>Donor saved</source>
        <translation>保存捐赠方</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="34"/>
        <source>Stock counted</source>
        <translation>盘点库存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="34"/>
        <source>Sale voided</source>
        <translation>撤销订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="35"/>
        <source>Card blocked</source>
        <translation>停用卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="35"/>
        <source>Card unblocked</source>
        <translation>恢复卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="36"/>
        <source>Item added</source>
        <translation>新增商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="36"/>
        <source>Item changed</source>
        <translation>修改商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="37"/>
        <source>Price changed</source>
        <translation>调整价格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="37"/>
        <source>Item retired</source>
        <translation>商品下架</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="38"/>
        <source>Item back on sale</source>
        <translation>商品重新上架</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="38"/>
        <source>Receipt reprinted</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="39"/>
        <source>Card registered</source>
        <translation>登记新卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="40"/>
        <source>Printed a test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="41"/>
        <source>QR card asked for</source>
        <translation>申请二维码卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="42"/>
        <source>QR card printed</source>
        <translation>打印二维码卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="43"/>
        <source>Operator saved</source>
        <translation>保存管理员</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="43"/>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="48"/>
        <source>price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="48"/>
        <source>Chinese name</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="49"/>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="49"/>
        <source>category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="50"/>
        <source>kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="50"/>
        <source>barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="51"/>
        <source>max pieces</source>
        <translation>限购件数</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="51"/>
        <source>max points</source>
        <translation>限用积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="52"/>
        <source>limit per</source>
        <translation>限购周期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="52"/>
        <source>low stock at</source>
        <translation>库存提醒</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="53"/>
        <source>on sale</source>
        <translation>在售</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="53"/>
        <source>picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="54"/>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="54"/>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="55"/>
        <source>points returned</source>
        <translation>退回积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="55"/>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="56"/>
        <source>contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="56"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="57"/>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="57"/>
        <source>with</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="58"/>
        <source>card type</source>
        <translation>卡类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="58"/>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="63"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="62"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="62"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="62"/>
        <source>in use</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="63"/>
        <source>blocked</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="64"/>
        <source>operator card</source>
        <translation>管理员卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="64"/>
        <source>changed</source>
        <translation>已修改</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="65"/>
        <source>NFC card</source>
        <translation>NFC 卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="65"/>
        <source>QR card</source>
        <translation>二维码卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="71"/>
        <source>Other action</source>
        <translation>其他操作</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="83"/>
        <source>order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="87"/>
        <source>volunteer %1</source>
        <translation>志愿者 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="91"/>
        <source>card %1</source>
        <translation>卡 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="106"/>
        <source>donor: %1</source>
        <translation>捐赠方：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/audit_words.py" line="113"/>
        <source>printer said: %1</source>
        <translation>打印机提示：%1</translation>
    </message>
</context>
<context>
    <name>BalanceScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="71"/>
        <source>Hello, %1</source>
        <translation>您好，%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="72"/>
        <source>Your points</source>
        <translation>您的积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="82"/>
        <source>Start shopping</source>
        <translation>开始兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="83"/>
        <source>Services and vouchers</source>
        <translation>服务与抵扣</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="84"/>
        <source>Donate points</source>
        <translation>捐积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="85"/>
        <source>My records</source>
        <translation>我的记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/balance.py" line="86"/>
        <source>Leave</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>CardsScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="128"/>
        <source>Cards</source>
        <translation>积分卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="131"/>
        <source>Tap the card on the reader, or type its number</source>
        <translation>把卡放在读卡器上，或输入卡号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="132"/>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="133"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="134"/>
        <source>Block this card</source>
        <translation>停用这张卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="135"/>
        <source>Unblock this card</source>
        <translation>恢复这张卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="138"/>
        <source>Register a new card</source>
        <translation>登记新卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="139"/>
        <source>Wait for the card</source>
        <translation>等待刷卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="140"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="183"/>
        <source>Tap the new card on the reader now: it will be registered to %1</source>
        <translation>请现在把新卡放到读卡器上：它将登记给 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="185"/>
        <source>Choose the volunteer, then press the button and tap the new card</source>
        <translation>先选择志愿者，再按按钮，然后刷新卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="189"/>
        <location filename="../../kiosk/ui/admin/cards.py" line="276"/>
        <source>Choose a volunteer first</source>
        <translation>请先选择志愿者</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="213"/>
        <source>No card %1 on this kiosk</source>
        <translation>本机没有卡号为 %1 的卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="226"/>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="226"/>
        <source>blocked</source>
        <translation>已停用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="229"/>
        <source>QR card</source>
        <translation>二维码卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="230"/>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="233"/>
        <source>Operator card</source>
        <translation>管理员卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="255"/>
        <source>Card %1 registered to %2</source>
        <translation>卡 %1 已登记给 %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="256"/>
        <source>Card %1 was already registered to %2</source>
        <translation>卡 %1 本来就登记给 %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="141"/>
        <source>Print a QR card</source>
        <translation>打印二维码卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="142"/>
        <source>Issue a QR card</source>
        <translation>签发二维码卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="143"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="147"/>
        <source>QR cards are switched off on this kiosk ([qr] public_key).</source>
        <translation>本机没有启用二维码卡（[qr] public_key）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="227"/>
        <source>NFC card known by its UID alone (daily cap)</source>
        <translation>仅凭卡号识别的 NFC 卡（有每日限额）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="228"/>
        <source>NFC card that signs each tap (NTAG 424)</source>
        <translation>每次刷卡都签名的 NFC 卡（NTAG 424）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="304"/>
        <source>waiting for the district</source>
        <translation>等待区里签发</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="305"/>
        <source>ready to print</source>
        <translation>可以打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="306"/>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="307"/>
        <source>refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="346"/>
        <source>QR card %1 printed for %2</source>
        <translation>已为 %2 打印二维码卡 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="145"/>
        <source>Signed by the district at the next sync (needs the network), then printed here; the old QR card stops working.</source>
        <translation>由区里在下次同步时签发（需要联网），签好后在这里打印；旧二维码卡随之作废。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="136"/>
        <source>A new card for this volunteer:</source>
        <translation>给这位志愿者制新卡：</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/cards.py" line="137"/>
        <source>Volunteer number</source>
        <translation>志愿者编号</translation>
    </message>
</context>
<context>
    <name>CartScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="81"/>
        <source>%1 points each</source>
        <translation>每件 %1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="95"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="121"/>
        <source>Your cart</source>
        <translation>购物车</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="126"/>
        <source>The cart is empty.</source>
        <translation>购物车是空的。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="128"/>
        <source>Total: %1 points</source>
        <translation>合计：%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="130"/>
        <source>Your points: %1</source>
        <translation>您的积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="134"/>
        <source>Keep shopping</source>
        <translation>继续选购</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/cart.py" line="135"/>
        <source>Next: confirm</source>
        <translation>下一步：确认</translation>
    </message>
</context>
<context>
    <name>CatalogueAdminScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="169"/>
        <source>Catalogue</source>
        <translation>商品目录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="172"/>
        <source>All items</source>
        <translation>全部商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="173"/>
        <source>Item code</source>
        <translation>商品编号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="173"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="174"/>
        <source>Chinese name</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="174"/>
        <source>English name</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="175"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="175"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="176"/>
        <source>Points price</source>
        <translation>积分价格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="176"/>
        <source>Low stock at</source>
        <translation>库存预警</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="177"/>
        <source>Barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="177"/>
        <source>Limit per</source>
        <translation>限购周期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="178"/>
        <source>Max pieces</source>
        <translation>限购件数</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="179"/>
        <source>Max points</source>
        <translation>限购积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="179"/>
        <source>Picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="182"/>
        <source>Type or scan</source>
        <translation>输入或扫码</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="183"/>
        <source>Picture file (PNG or JPG)</source>
        <translation>图片文件（PNG 或 JPG）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="184"/>
        <source>From a USB stick…</source>
        <translation>从U盘选择…</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="185"/>
        <source>Take a photo</source>
        <translation>用摄像头拍照</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="186"/>
        <source>Show item codes and picture files</source>
        <translation>显示商品编号和图片文件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="187"/>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="311"/>
        <source>New item</source>
        <translation>新增商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="188"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="192"/>
        <source>no limit</source>
        <translation>不限购</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="192"/>
        <source>day</source>
        <translation>每天</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="192"/>
        <source>week</source>
        <translation>每周</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="193"/>
        <source>month</source>
        <translation>每月</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="199"/>
        <source>Health</source>
        <translation>健康</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="200"/>
        <source>Culture and leisure</source>
        <translation>文化休闲</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="201"/>
        <source>Growth and education</source>
        <translation>成长教育</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="202"/>
        <source>Daily life</source>
        <translation>日常生活</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="203"/>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="204"/>
        <source>Donate</source>
        <translation>爱心捐赠</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="207"/>
        <source>Goods</source>
        <translation>实物（有库存）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="208"/>
        <source>Service</source>
        <translation>服务（兑换券）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="209"/>
        <source>Donation</source>
        <translation>捐赠</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="210"/>
        <source>Fee offset</source>
        <translation>物业费抵扣</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="241"/>
        <source>%1 · %2 points</source>
        <translation>%1 · %2 积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="243"/>
        <source>%1 (retired)</source>
        <translation>%1（已停售）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="289"/>
        <source>Price history:</source>
        <translation>价格记录：</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="291"/>
        <source>%1: %2 points</source>
        <translation>%1：%2 积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="301"/>
        <source>New picture: saved with the item</source>
        <translation>新图片：点保存后生效</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="302"/>
        <source>No picture yet</source>
        <translation>还没有图片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="312"/>
        <source>new</source>
        <translation>新商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="314"/>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="319"/>
        <source>Retire</source>
        <translation>停售</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="316"/>
        <source>Edit: %1</source>
        <translation>编辑：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="317"/>
        <source>on sale</source>
        <translation>在售</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="317"/>
        <source>retired</source>
        <translation>已停售</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="319"/>
        <source>Bring back</source>
        <translation>恢复销售</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="350"/>
        <source>Choose a picture</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="351"/>
        <source>Pictures (*.png *.jpg *.jpeg *.webp)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp)</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="362"/>
        <source>Photo taken: press Save to keep it</source>
        <translation>已拍照：点保存后生效</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="377"/>
        <source>The item code must be letters, digits, - or _</source>
        <translation>商品编号只能用字母、数字、- 或 _</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="380"/>
        <source>Give the item a name in both languages</source>
        <translation>请填写中文和英文名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="383"/>
        <source>Enter the points price</source>
        <translation>请填写积分价格</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="388"/>
        <source>A limit needs a period: day, week or month</source>
        <translation>限购需要选择周期：每天、每周或每月</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="414"/>
        <source>There is already an item with the code %1</source>
        <translation>已经有编号为 %1 的商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="422"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="433"/>
        <source>Retired: volunteers no longer see it</source>
        <translation>已停售：志愿者不会再看到它</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/catalogue.py" line="434"/>
        <source>Back on sale</source>
        <translation>已恢复销售</translation>
    </message>
</context>
<context>
    <name>CatalogueScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="139"/>
        <source>Health</source>
        <translation>健康</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="140"/>
        <source>Culture and leisure</source>
        <translation>文化休闲</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="141"/>
        <source>Growth and education</source>
        <translation>成长教育</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="142"/>
        <source>Daily life</source>
        <translation>日常生活</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="143"/>
        <source>Services</source>
        <translation>服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="144"/>
        <source>Donate</source>
        <translation>爱心捐赠</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="155"/>
        <source>Your points: %1</source>
        <translation>您的积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="156"/>
        <source>In cart: %1 points</source>
        <translation>已选：%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="160"/>
        <source>View cart (%1)</source>
        <translation>查看购物车（%1）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/catalogue.py" line="162"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="54"/>
        <source>Please check your exchange</source>
        <translation>请核对兑换内容</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="59"/>
        <source>Points left after: %1</source>
        <translation>兑换后剩余积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="62"/>
        <source>The printer cannot print receipts right now. The exchange still works; print the receipt later from &quot;My records&quot;.</source>
        <translation>打印机暂时打不出小票。兑换照常进行，小票可以之后在“我的记录”里补打。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="65"/>
        <source>Exchanging and printing your receipt…</source>
        <translation>正在兑换并打印小票，请稍候……</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="68"/>
        <source>Exchange now</source>
        <translation>确认兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/confirm.py" line="69"/>
        <source>Change</source>
        <translation>返回修改</translation>
    </message>
</context>
<context>
    <name>Count</name>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="99"/>
        <source>1 point</source>
        <translation>1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/i18n.py" line="100"/>
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
</context>
<context>
    <name>CountScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="58"/>
        <source>Stock count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="61"/>
        <source>Shelf count</source>
        <translation>日常盘点</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="61"/>
        <source>Damaged</source>
        <translation>损坏</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="62"/>
        <source>Expired</source>
        <translation>过期</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="62"/>
        <source>Lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="63"/>
        <source>Found</source>
        <translation>找到多余</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="66"/>
        <source>Pick an item</source>
        <translation>选择货架上的商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="67"/>
        <source>Counted</source>
        <translation>实际数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="68"/>
        <source>Set the count</source>
        <translation>记下数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="69"/>
        <source>Counted so far</source>
        <translation>已盘点</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="70"/>
        <source>Reason for differences</source>
        <translation>差异原因</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="71"/>
        <source>Save the count</source>
        <translation>保存盘点</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="72"/>
        <source>Low stock</source>
        <translation>库存不足</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="94"/>
        <source>%1 · in stock %2</source>
        <translation>%1 · 库存 %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="100"/>
        <source>%1: %2 left (alert at %3)</source>
        <translation>%1：剩 %2 件（提醒线 %3）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="124"/>
        <source>Choose an item first</source>
        <translation>请先选择商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="138"/>
        <source>Enter the counted quantity (0 if none)</source>
        <translation>请输入实际数量（没有就输 0）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="156"/>
        <source>Saved: the shelf matches the records.</source>
        <translation>已保存：货架与记录一致。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="159"/>
        <source>Saved: 1 item adjusted.</source>
        <translation>已保存：调整了 1 种商品。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/count.py" line="160"/>
        <source>Saved: %1 items adjusted.</source>
        <translation>已保存：调整了 %1 种商品。</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="54"/>
        <source>Done! Please take your receipt.</source>
        <translation>兑换成功！请取走小票。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="55"/>
        <source>Done! Your exchange went through.</source>
        <translation>兑换成功！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="56"/>
        <source>Points left</source>
        <translation>剩余积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="58"/>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="61"/>
        <source>The receipt could not be printed (the printer may be out of paper). Your exchange is done. Once paper is in, print it from &quot;My records&quot;.</source>
        <translation>小票这次没能打印出来（打印机可能缺纸）。您的兑换已经成功。装好纸后，可以在“我的记录”里补打。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="64"/>
        <source>Questions? Call %1.</source>
        <translation>有问题请打电话：%1。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="72"/>
        <source>Thank you, and welcome back!</source>
        <translation>谢谢，欢迎再来！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="73"/>
        <source>Thank you for volunteering!</source>
        <translation>感谢您的志愿服务！</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="77"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="94"/>
        <source>Next card read. Tap &quot;Next visit&quot;, or it starts by itself.</source>
        <translation>已读到下一位的卡：点“下一位”开始，本页显示完后也会自动开始。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="98"/>
        <source>Next visit</source>
        <translation>下一位</translation>
    </message>
</context>
<context>
    <name>HealthScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="55"/>
        <source>Health</source>
        <translation>运行状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="58"/>
        <source>Sync with the district</source>
        <translation>与区平台同步</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="59"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="60"/>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="61"/>
        <source>Card reader and camera</source>
        <translation>读卡器和摄像头</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="62"/>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="63"/>
        <source>Test print</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="64"/>
        <source>Show device names and error details</source>
        <translation>显示设备名称和错误详情</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="75"/>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="81"/>
        <source>Camera (QR codes)</source>
        <translation>摄像头（扫二维码）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="83"/>
        <source>Barcode scanner</source>
        <translation>扫码枪</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="84"/>
        <source>Card reader</source>
        <translation>读卡器</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="87"/>
        <source>ready</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="87"/>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="92"/>
        <source>No card reader or camera has reported yet</source>
        <translation>读卡器和摄像头尚未报告状态</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="98"/>
        <source>Last success: %1</source>
        <translation>上次成功：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="99"/>
        <source>Last attempt: %1</source>
        <translation>上次尝试：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="100"/>
        <source>Waiting to be sent: %1</source>
        <translation>等待上传：%1 条</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="101"/>
        <source>Refused by the district: %1</source>
        <translation>被区平台拒绝：%1 条</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="103"/>
        <source>Last error: %1</source>
        <translation>上次错误：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="104"/>
        <source>The last try failed (details below).</source>
        <translation>上次同步没有成功（勾选下方可看详情）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="106"/>
        <source>A sync has been asked for and will run shortly.</source>
        <translation>已请求同步，稍后进行。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="108"/>
        <source>Paper: OK</source>
        <translation>纸张：正常</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="108"/>
        <source>Paper: running low</source>
        <translation>纸张：快用完了</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="109"/>
        <source>Paper: OUT — change the roll</source>
        <translation>纸张：已用完——请换纸卷</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="110"/>
        <source>Printer not reachable</source>
        <translation>连接不上打印机</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="111"/>
        <source>Paper: this printer cannot report it</source>
        <translation>纸张：这台打印机无法报告</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="120"/>
        <source>SELLING STOPPED: %1</source>
        <translation>本机已停止销售：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="128"/>
        <source>CLOCK IS WRONG: %1 s off the district&apos;s clock.</source>
        <translation>时钟不对：比区里的时钟差 %1 秒。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="131"/>
        <source>CLOCK IS WRONG: the last successful sync (%1) is later than now.</source>
        <translation>时钟不对：上次成功同步（%1）比现在还晚。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="134"/>
        <source>CLOCK IS WRONG: the newest sale (%1) is later than now.</source>
        <translation>时钟不对：最近一笔兑换（%1）比现在还晚。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="136"/>
        <source>Sales count as offline (the offline caps apply) until the clock is right.</source>
        <translation>在时钟改正之前，本机按离线销售（离线限额有效）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="154"/>
        <source>Test page printed</source>
        <translation>测试页已打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/health.py" line="155"/>
        <source>Test print failed: %1</source>
        <translation>测试打印失败：%1</translation>
    </message>
</context>
<context>
    <name>IdleScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="132"/>
        <source>Exchange your volunteer points for everyday goods</source>
        <translation>用志愿服务积分兑换生活用品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="133"/>
        <source>Put your points card on the reader (the green circle)</source>
        <translation>刷卡：把积分卡贴在读卡器上（图中绿圈处）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="134"/>
        <source>Or hold your QR code to the scanner (the green circle)</source>
        <translation>或者扫码：把二维码对准扫码口（图中绿圈处）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="136"/>
        <source>Hold your QR code to the scanner (the green circle)</source>
        <translation>扫码：把二维码对准扫码口（图中绿圈处）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="139"/>
        <source>Then pick what you need, confirm, and take your receipt.</source>
        <translation>然后选好商品，确认兑换，取走小票。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="144"/>
        <source>The printer cannot print receipts right now (out of paper or a fault). You can still exchange; print the receipt later from &quot;My records&quot;.</source>
        <translation>打印机暂时打不出小票（缺纸或故障）。兑换照常进行，小票可以之后在“我的记录”里补打。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="140"/>
        <source>On the shelves today</source>
        <translation>今日货架</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/idle.py" line="142"/>
        <source>Reading your card…</source>
        <translation>正在读卡……</translation>
    </message>
</context>
<context>
    <name>ItemTile</name>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="56"/>
        <source>Out of stock</source>
        <translation>已兑完</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="58"/>
        <source>Not enough points</source>
        <translation>积分不足</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="60"/>
        <source>Goes to families in need</source>
        <translation>捐给困难家庭</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="62"/>
        <source>Printed as a voucher for the partner</source>
        <translation>打印兑换券，到合作单位核销</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="64"/>
        <source>Voucher printed on the receipt</source>
        <translation>凭小票享受服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="66"/>
        <source>%1 left</source>
        <translation>剩 %1 件</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/tile.py" line="68"/>
        <source>In cart: %1</source>
        <translation>已选 %1</translation>
    </message>
</context>
<context>
    <name>OrdersScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="72"/>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="75"/>
        <source>Wrong item</source>
        <translation>拿错商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="76"/>
        <source>Volunteer changed their mind</source>
        <translation>志愿者不想要了</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="77"/>
        <source>Sold twice by mistake</source>
        <translation>重复兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="78"/>
        <source>Test sale</source>
        <translation>测试订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="81"/>
        <source>Find an order</source>
        <translation>查找订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="82"/>
        <source>Scan the receipt, type its number, or tap the card</source>
        <translation>扫小票二维码、输入单号或刷卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="83"/>
        <source>Order or card number</source>
        <translation>单号或卡号</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="84"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="85"/>
        <source>Recent</source>
        <translation>最近订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="86"/>
        <source>Order</source>
        <translation>订单详情</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="87"/>
        <source>Reason for the void</source>
        <translation>撤销原因</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="88"/>
        <source>Print the receipt again</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="118"/>
        <source>No order found for %1</source>
        <translation>没有找到 %1 的订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="125"/>
        <source>void</source>
        <translation>撤销单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="126"/>
        <source>voided</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="126"/>
        <source>sale</source>
        <translation>兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="142"/>
        <source>Void this order</source>
        <translation>撤销这笔订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="146"/>
        <source>No order selected</source>
        <translation>未选择订单</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="148"/>
        <source>Number: %1</source>
        <translation>单号：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="149"/>
        <source>Time: %1</source>
        <translation>时间：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="150"/>
        <source>Volunteer: %1</source>
        <translation>志愿者：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="151"/>
        <source>Card: %1</source>
        <translation>卡号：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="152"/>
        <source>Points: %1</source>
        <translation>积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="153"/>
        <source>Receipt printed</source>
        <translation>小票已打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="153"/>
        <source>Receipt not printed</source>
        <translation>小票未打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="155"/>
        <source>Voided by %1</source>
        <translation>已由 %1 撤销</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="164"/>
        <source>Tap again to void</source>
        <translation>再点一次确认撤销</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="173"/>
        <source>Voided: %1 points returned, goods back on the shelf.</source>
        <translation>已撤销：退回 %1 分，商品已回到货架。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="189"/>
        <source>Receipt printed.</source>
        <translation>小票已打印。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/orders.py" line="192"/>
        <source>The printer did not print: %1</source>
        <translation>打印机没有打印：%1</translation>
    </message>
</context>
<context>
    <name>OtherCard</name>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="148"/>
        <source>Another card was tapped</source>
        <translation>刚才刷了另一张卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="149"/>
        <source>A visit is still going on. Should it end, so the new card can be used? What is in the cart will be put back.</source>
        <translation>现在还有一位志愿者在兑换。要结束这次兑换、改用新刷的卡吗？购物车里的商品会放回去。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="152"/>
        <source>No, go on with this visit</source>
        <translation>不换，继续这次兑换</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="153"/>
        <source>End it and use the new card</source>
        <translation>结束这次兑换，用新卡</translation>
    </message>
</context>
<context>
    <name>PinPadScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/pin_pad.py" line="57"/>
        <source>Operator sign-in</source>
        <translation>管理员登录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/pin_pad.py" line="60"/>
        <source>Type your PIN, or tap your card</source>
        <translation>请输入管理员密码，或刷管理员卡</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/pin_pad.py" line="61"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/pin_pad.py" line="62"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>RecordsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="38"/>
        <source>Order %1</source>
        <translation>订单号 %1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="42"/>
        <source>Receipt not printed yet</source>
        <translation>小票还没打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="46"/>
        <source>Print again</source>
        <translation>补打小票</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="46"/>
        <source>Print it now</source>
        <translation>现在打印</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="55"/>
        <source>My records at this kiosk</source>
        <translation>我在本机的兑换记录</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="58"/>
        <source>Loading…</source>
        <translation>正在加载……</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="60"/>
        <source>No exchanges yet.</source>
        <translation>还没有兑换记录。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/records.py" line="67"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/refused.py" line="38"/>
        <source>Sorry, this kiosk is out of service</source>
        <translation>抱歉，本机暂停服务</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/refused.py" line="39"/>
        <source>Sorry, this card cannot be used here</source>
        <translation>抱歉，这张卡暂时不能使用</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/refused.py" line="41"/>
        <source>Back to the start</source>
        <translation>返回首页</translation>
    </message>
</context>
<context>
    <name>ReportsScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="138"/>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="141"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="141"/>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="142"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="142"/>
        <source>Chosen period</source>
        <translation>自选时段</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="150"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="151"/>
        <source>to (included)</source>
        <translation>到（含当天）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="205"/>
        <source>The first day is after the last day: choose the dates again.</source>
        <translation>开始日期晚于结束日期，请重新选择日期。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="146"/>
        <source>Points per day</source>
        <translation>每日积分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="147"/>
        <source>Goods given out, per donor</source>
        <translation>各捐赠方物品兑出数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="148"/>
        <source>Top items</source>
        <translation>热门商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="149"/>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="225"/>
        <source>Period: %1</source>
        <translation>期间：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="226"/>
        <source>Orders: %1 (voided: %2)</source>
        <translation>订单：%1 笔（撤销 %2 笔）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="228"/>
        <source>Points redeemed: %1</source>
        <translation>兑换积分：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="229"/>
        <source>Items out: %1</source>
        <translation>兑出件数：%1</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="230"/>
        <source>Low stock: 1 item</source>
        <translation>库存不足：1 种</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="231"/>
        <source>Low stock: %1 items</source>
        <translation>库存不足：%1 种</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="232"/>
        <source>Offline sales: %1, not yet confirmed: %2</source>
        <translation>离线兑换：%1 笔，未确认：%2 条</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="235"/>
        <source>Below zero: %1, %2</source>
        <translation>透支：%1，共 %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="236"/>
        <source>1 volunteer</source>
        <translation>1 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="237"/>
        <source>%1 volunteers</source>
        <translation>%1 人</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="254"/>
        <source>this kiosk (for staff to collect)</source>
        <translation>本机（由工作人员取走）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="255"/>
        <source>the USB stick &quot;%1&quot;</source>
        <translation>U盘“%1”</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="266"/>
        <source>1 file saved to %2</source>
        <translation>已把 1 个文件保存到%2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="267"/>
        <source>%1 files saved to %2</source>
        <translation>已把 %1 个文件保存到%2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/reports.py" line="243"/>
        <source>(no donor)</source>
        <translation>（无捐赠方）</translation>
    </message>
</context>
<context>
    <name>RestockScreen</name>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="112"/>
        <source>Restock</source>
        <translation>补货</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="115"/>
        <source>1. Scan or pick</source>
        <translation>1. 扫码或选择商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="116"/>
        <source>Barcode or name</source>
        <translation>条码或商品名</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="117"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="118"/>
        <source>2. How many</source>
        <translation>2. 数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="119"/>
        <source>Add to the delivery</source>
        <translation>加入本批</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="120"/>
        <source>3. This delivery</source>
        <translation>3. 本批到货</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="121"/>
        <source>Remove the selected line</source>
        <translation>删除选中的一行</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="122"/>
        <source>Donor</source>
        <translation>捐赠方</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="123"/>
        <source>New donor</source>
        <translation>新捐赠方</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="124"/>
        <source>Donor name</source>
        <translation>捐赠方名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="125"/>
        <source>Contact (optional)</source>
        <translation>联系方式（可不填）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="126"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="127"/>
        <source>Note (optional)</source>
        <translation>备注（可不填）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="128"/>
        <source>Receive the delivery</source>
        <translation>确认入库</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="149"/>
        <source>(no donor)</source>
        <translation>（无捐赠方）</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="158"/>
        <source>%1 · in stock %2</source>
        <translation>%1 · 库存 %2</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="174"/>
        <source>Choose an item first</source>
        <translation>请先选择商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="192"/>
        <source>No goods with barcode %1</source>
        <translation>没有条码为 %1 的商品</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="201"/>
        <source>Enter a quantity above zero</source>
        <translation>请输入大于 0 的数量</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="225"/>
        <source>Enter the donor&apos;s name</source>
        <translation>请输入捐赠方名称</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/admin/restock.py" line="255"/>
        <source>Received.</source>
        <translation>已入库。</translation>
    </message>
</context>
<context>
    <name>Spend</name>
    <message>
        <location filename="../../kiosk/ui/screens/spend.py" line="16"/>
        <source>You can spend %1 points today</source>
        <translation>今天最多可以兑换 %1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/spend.py" line="19"/>
        <source>The network is down: a daily limit applies until it is back.</source>
        <translation>网络暂时中断，恢复前每天兑换有上限。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/spend.py" line="21"/>
        <source>The network is down: this kiosk&apos;s daily limit applies.</source>
        <translation>网络暂时中断，本机今天的兑换额度有上限。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/spend.py" line="23"/>
        <source>A daily limit for this kind of card (a QR points card has none).</source>
        <translation>这种卡每天兑换有上限（二维码积分卡没有）。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/spend.py" line="34"/>
        <source>Left to spend today: %1 points</source>
        <translation>今天还能兑换：%1 分</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/screens/spend.py" line="36"/>
        <source>Left after: %1 points</source>
        <translation>兑换后剩余：%1 分</translation>
    </message>
</context>
<context>
    <name>StillThere</name>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="100"/>
        <source>Are you still there?</source>
        <translation>您还在吗？</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="102"/>
        <source>Going back to the start; your cart will be emptied and nothing is exchanged.</source>
        <translation>即将返回首页，购物车会清空，不会扣积分。</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="104"/>
        <source>I&apos;m still here</source>
        <translation>我还在</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="63"/>
        <source>Larger text</source>
        <translation>大字</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="65"/>
        <source>Reading aloud</source>
        <translation>朗读：开</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/chrome.py" line="65"/>
        <source>Read aloud</source>
        <translation>朗读</translation>
    </message>
</context>
</TS>
