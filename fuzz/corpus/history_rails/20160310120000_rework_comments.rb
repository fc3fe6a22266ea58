class ReworkComments < ActiveRecord::Migration[5.0]
  def change
    create_table "comments", force: :cascade do |t|
      t.integer "article_id"
      t.text "body"
      t.index ["article_id"], name: "index_comments_on_article_id"
    end
    add_reference :comments, :user, foreign_key: true
    change_table :articles do |t|
      t.rename :body, :content
      t.remove :legacy_flag
      t.boolean :published, default: false
    end
    rename_column(:comments, :body, :text)
    change_column :comments, :text, :string, limit: 2000
    change_column_default :articles, :published, from: nil, to: false
    add_foreign_key :comments, :articles
  end
end
