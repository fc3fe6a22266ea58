class CreateArticles < ActiveRecord::Migration
  def change
    create_table :articles do |t|
      t.string :title, null: false
      t.text :body
      t.references :author, index: true
      t.timestamps
    end
    add_index :articles, [:author_id, :created_at]
  end
end
