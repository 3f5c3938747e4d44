/// The words of a column name that announce what its values are, one list per rule, read by both paths:
/// `ASCIIColumnName` compares them as bytes (no allocation per column), the `Character` rules of
/// `ColumnContext` as strings (names with other characters). One list, so the paths cannot drift apart.
enum ColumnWords {
    /// Card columns (`card_number`, `cc`, `PAN`): `ColumnContext.namesCard`.
    static let card: [StaticString] = ["card", "cards", "cardno", "cardnum", "cardnumber", "creditcard", "debitcard",
                                       "cc", "ccn", "ccnum", "ccno", "pan"]
    /// GS1 product codes (`ean`, `product_ean13`, `UPC`, `gtinCode`, `isbn`): `ColumnContext.namesBarcode`.
    static let barcode: [StaticString] = ["ean", "ean8", "ean13", "upc", "upca", "gtin", "gtin8", "gtin12", "gtin13",
                                          "gtin14", "isbn", "isbn13", "barcode", "barcodes"]
    /// Phone numbers (`phone`, `cell_phone`, `MobileNumber`, `msisdn`): `ColumnContext.namesPhone`.
    static let phone: [StaticString] = ["phone", "phones", "phonenumber", "telephone", "tel", "telno", "mobile",
                                        "mobilephone", "mobileno", "msisdn", "fax", "cellphone", "telefon", "telefono",
                                        "telefone"]

    static let cardSet = Set(card.map { "\($0)" })
    static let barcodeSet = Set(barcode.map { "\($0)" })
    static let phoneSet = Set(phone.map { "\($0)" })
}
